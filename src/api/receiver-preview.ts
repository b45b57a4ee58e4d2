// `spec.preview` of a Receiver: pull-request events make the operator preview these Syncs at the
// pull request's head commit and publish the result through a Git host Provider.
import { z } from 'zod';
import { namespaceField, nameField } from './fields.ts';

export const ReceiverPreviewSchema = z
  .object({
    syncs: z
      .array(
        z.object({
          name: nameField(),
          namespace: namespaceField().optional().describe("Defaults to the Receiver's namespace."),
        }),
      )
      .min(1)
      .describe('Syncs whose preview is computed for each pull request.'),
    providerRef: z
      .object({ name: nameField() })
      .describe('A github, gitlab or gitea Provider in the same namespace: where the status goes.'),
    comment: z
      .boolean()
      .default(true)
      .describe('Also post the Markdown preview as a comment on the pull request.'),
  })
  .describe(
    'Pull-request previews: with events [pull_request], each opened or updated pull request gets a commit status saying what merging it would change.',
  );

export type ReceiverPreview = z.output<typeof ReceiverPreviewSchema>;
