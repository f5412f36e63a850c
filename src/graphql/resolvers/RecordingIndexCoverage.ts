/** Query.recordingIndexCoverage: how far the ingested index reaches (the write side keeps it). */
import type { QueryResolvers, RecordingIndexCoverageResolvers } from '../../generated/resolvers-types.js';

const instant = (epochMs: number | null): Date | null => (epochMs === null ? null : new Date(epochMs));

export const recordingIndexCoverage: NonNullable<QueryResolvers['recordingIndexCoverage']> = (_parent, _args, context) =>
  context.services.recordingIndex.coverage();

export const RecordingIndexCoverage: RecordingIndexCoverageResolvers = {
  from: (parent) => instant(parent.fromMs),
  to: (parent) => instant(parent.toMs),
  recordings: (parent) => parent.recordings,
  lastIngestedAt: (parent) => instant(parent.lastIngestedAtMs),
};
