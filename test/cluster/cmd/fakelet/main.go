// Command fakelet stands in for a kubelet on the local control plane. It registers one Node,
// binds every unscheduled pod to it, reports pods as running and ready (pods that do not
// restart as succeeded), and finishes the deletion of terminating pods. No container runs.
// It reports the QoS class the API server computed (Guaranteed, Burstable or BestEffort from the
// pod's requests and limits), which a status update may not change.
//
// Pod annotations change what it reports, so tests can exercise health checks:
//
//	fakelet.moor.dev/phase: Failed      the pod fails
//	fakelet.moor.dev/ready: "false"     the pod runs but never becomes ready
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/kubernetes/pkg/apis/core/v1/helper/qos"
)

const (
	annotationPhase = "fakelet.moor.dev/phase"
	annotationReady = "fakelet.moor.dev/ready"
)

type fakelet struct {
	client   kubernetes.Interface
	nodeName string
	lister   cache.Indexer
	queue    workqueue.TypedRateLimitingInterface[string]
	nextIP   atomic.Uint32
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "path to a kubeconfig")
	nodeName := flag.String("node-name", "moor-node", "name of the Node to register")
	workers := flag.Int("workers", 4, "pods handled in parallel")
	flag.Parse()

	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatalf("fakelet: load kubeconfig %s: %v", *kubeconfig, err)
	}
	cfg.QPS, cfg.Burst = 200, 400
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Fatalf("fakelet: client: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	f := &fakelet{
		client:   client,
		nodeName: *nodeName,
		queue:    workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
	}
	if err := f.registerNode(ctx); err != nil {
		log.Fatalf("fakelet: register node %s: %v", f.nodeName, err)
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	podInformer := factory.Core().V1().Pods().Informer()
	f.lister = podInformer.GetIndexer()
	enqueue := func(obj any) {
		if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
			f.queue.Add(key)
		}
	}
	if _, err := podInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
	}); err != nil {
		log.Fatalf("fakelet: watch pods: %v", err)
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	for range *workers {
		go f.work(ctx)
	}
	go f.heartbeat(ctx)
	log.Printf("fakelet: node %s ready", f.nodeName)
	<-ctx.Done()
	f.queue.ShutDown()
}

func (f *fakelet) registerNode(ctx context.Context) error {
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("64"),
		corev1.ResourceMemory: resource.MustParse("256Gi"),
		corev1.ResourcePods:   resource.MustParse("5000"),
	}
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:   f.nodeName,
			Labels: map[string]string{"kubernetes.io/hostname": f.nodeName, "kubernetes.io/os": "linux", "type": "fakelet"},
		},
	}
	_, err := f.client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	current, err := f.client.CoreV1().Nodes().Get(ctx, f.nodeName, metav1.GetOptions{})
	if err != nil {
		return err
	}
	now := metav1.Now()
	current.Status = corev1.NodeStatus{
		Capacity:    capacity,
		Allocatable: capacity,
		Phase:       corev1.NodeRunning,
		Conditions: []corev1.NodeCondition{
			{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "fakelet is ready", LastHeartbeatTime: now, LastTransitionTime: now},
			{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientMemory", LastHeartbeatTime: now, LastTransitionTime: now},
			{Type: corev1.NodeDiskPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasNoDiskPressure", LastHeartbeatTime: now, LastTransitionTime: now},
			{Type: corev1.NodePIDPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientPID", LastHeartbeatTime: now, LastTransitionTime: now},
		},
		Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: "127.0.0.1"},
			{Type: corev1.NodeHostName, Address: f.nodeName},
		},
		NodeInfo: corev1.NodeSystemInfo{KubeletVersion: "v1.36.3-fakelet", OperatingSystem: "linux", Architecture: "amd64"},
	}
	_, err = f.client.CoreV1().Nodes().UpdateStatus(ctx, current, metav1.UpdateOptions{})
	return err
}

// heartbeat keeps the Node's Ready condition fresh for anything that reads it.
func (f *fakelet) heartbeat(ctx context.Context) {
	ticker := time.NewTicker(30 * time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if err := f.registerNode(ctx); err != nil && ctx.Err() == nil {
				log.Printf("fakelet: heartbeat: %v", err)
			}
		}
	}
}

func (f *fakelet) work(ctx context.Context) {
	for {
		key, shutdown := f.queue.Get()
		if shutdown {
			return
		}
		if err := f.sync(ctx, key); err != nil && ctx.Err() == nil {
			log.Printf("fakelet: pod %s: %v", key, err)
			f.queue.AddRateLimited(key)
		} else {
			f.queue.Forget(key)
		}
		f.queue.Done(key)
	}
}

func (f *fakelet) sync(ctx context.Context, key string) error {
	obj, exists, err := f.lister.GetByKey(key)
	if err != nil || !exists {
		return err
	}
	pod := obj.(*corev1.Pod)
	pods := f.client.CoreV1().Pods(pod.Namespace)
	switch {
	case pod.DeletionTimestamp != nil:
		if pod.Spec.NodeName == "" || pod.Spec.NodeName == f.nodeName {
			zero := int64(0)
			err := pods.Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
			if apierrors.IsNotFound(err) {
				return nil
			}
			return err
		}
		return nil
	case pod.Spec.NodeName == "":
		binding := &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, UID: pod.UID},
			Target:     corev1.ObjectReference{Kind: "Node", Name: f.nodeName},
		}
		err := pods.Bind(ctx, binding, metav1.CreateOptions{})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	case pod.Spec.NodeName != f.nodeName:
		return nil
	case pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed:
		return nil
	}
	desired := f.desiredStatus(pod)
	if pod.Status.Phase == desired.Phase && len(pod.Status.Conditions) == len(desired.Conditions) && pod.Status.PodIP != "" {
		return nil
	}
	updated := pod.DeepCopy()
	updated.Status = desired
	_, err = pods.UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}

func (f *fakelet) desiredStatus(pod *corev1.Pod) corev1.PodStatus {
	now := metav1.Now()
	phase := corev1.PodRunning
	if pod.Spec.RestartPolicy == corev1.RestartPolicyNever || pod.Spec.RestartPolicy == corev1.RestartPolicyOnFailure {
		phase = corev1.PodSucceeded
	}
	if p := pod.Annotations[annotationPhase]; p == string(corev1.PodFailed) {
		phase = corev1.PodFailed
	}
	ready := phase == corev1.PodRunning && pod.Annotations[annotationReady] != "false"
	readyStatus := corev1.ConditionFalse
	if ready {
		readyStatus = corev1.ConditionTrue
	}
	podIP := pod.Status.PodIP
	if podIP == "" {
		n := f.nextIP.Add(1)
		podIP = fmt.Sprintf("10.244.%d.%d", (n/250)%250, n%250+1)
	}
	statuses := make([]corev1.ContainerStatus, 0, len(pod.Spec.Containers))
	for _, c := range pod.Spec.Containers {
		status := corev1.ContainerStatus{Name: c.Name, Image: c.Image, ImageID: c.Image, Ready: ready, ContainerID: "fakelet://" + string(pod.UID) + "/" + c.Name}
		switch phase {
		case corev1.PodRunning:
			started := true
			status.Started = &started
			status.State.Running = &corev1.ContainerStateRunning{StartedAt: now}
		case corev1.PodSucceeded:
			status.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", StartedAt: now, FinishedAt: now}
		default:
			status.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error", StartedAt: now, FinishedAt: now}
		}
		statuses = append(statuses, status)
	}
	return corev1.PodStatus{
		Phase:     phase,
		HostIP:    "127.0.0.1",
		HostIPs:   []corev1.HostIP{{IP: "127.0.0.1"}},
		PodIP:     podIP,
		PodIPs:    []corev1.PodIP{{IP: podIP}},
		StartTime: &now,
		// The API server sets the class when it creates the pod and refuses to change it.
		QOSClass: qos.GetPodQOS(pod),
		Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now},
			{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: now},
			{Type: corev1.ContainersReady, Status: readyStatus, LastTransitionTime: now},
			{Type: corev1.PodReady, Status: readyStatus, LastTransitionTime: now},
		},
		ContainerStatuses: statuses,
	}
}
