// A list that draws only the rows in view (plus a few), so 5,000 rows cost what 30 do. Arrow
// keys, Home/End and PageUp/PageDown move between rows; Enter acts on the focused one.
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

const OVERSCAN = 8;

export function VirtualList<T>(props: {
  readonly items: readonly T[];
  readonly rowHeight: number;
  readonly height: string;
  readonly label: string;
  readonly header?: ComponentChildren;
  readonly keyOf: (item: T) => string;
  readonly row: (item: T, index: number) => ComponentChildren;
  readonly onActivate?: (item: T) => void;
  readonly selected?: string | undefined;
}) {
  const { items, rowHeight } = props;
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const [view, setView] = useState(600);
  const [active, setActive] = useState(0);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    setView(el.clientHeight || 600);
    const ro = new ResizeObserver(() => setView(el.clientHeight || 600));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((top + view) / rowHeight) + OVERSCAN);
  const focusRow = (index: number): void => {
    const i = Math.max(0, Math.min(items.length - 1, index));
    setActive(i);
    const el = box.current;
    if (!el) return;
    const y = i * rowHeight;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + rowHeight > el.scrollTop + el.clientHeight)
      el.scrollTop = y + rowHeight - el.clientHeight;
    requestAnimationFrame(() =>
      el.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus({ preventScroll: true }),
    );
  };
  const onKey = (e: KeyboardEvent): void => {
    const page = Math.max(1, Math.floor(view / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + page,
      PageUp: active - page,
      Home: 0,
      End: items.length - 1,
    };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      focusRow(to);
    } else if (e.key === 'Enter' && props.onActivate) {
      const item = items[active];
      if (item !== undefined) props.onActivate(item);
    }
  };
  const rows = [];
  for (let i = first; i < last; i++) {
    const item = items[i] as T;
    const key = props.keyOf(item);
    rows.push(
      <div
        key={key}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={props.selected === key}
        data-index={i}
        tabIndex={i === active ? 0 : -1}
        class={`vrow${props.selected === key ? ' selected' : ''}`}
        style={{ transform: `translateY(${i * rowHeight}px)`, height: `${rowHeight}px` }}
        onClick={() => {
          setActive(i);
          props.onActivate?.(item);
        }}
        onFocus={() => setActive(i)}
      >
        {props.row(item, i)}
      </div>,
    );
  }
  return (
    <div role="table" aria-label={props.label} aria-rowcount={items.length + 1} class="vtable">
      {props.header}
      <div
        ref={box}
        class="vbox"
        style={{ height: props.height }}
        onScroll={(e) => setTop(e.currentTarget.scrollTop)}
        onKeyDown={onKey}
      >
        <div
          role="rowgroup"
          style={{ height: `${items.length * rowHeight}px`, position: 'relative' }}
        >
          {rows}
        </div>
      </div>
    </div>
  );
}
