/**
 * Root fields: each validates its arguments and returns an entity's key (fields fetch lazily), or, for
 * the recording index, reads it (searchRecordings, recordingIndexCoverage, agentOperationIndexes).
 */
import type { QueryResolvers } from '../../generated/resolvers-types.js';
import { agentOperationIndexes } from './agentOperationIndexRequests.js';
import { recordingIndexCoverage } from './RecordingIndexCoverage.js';
import { searchRecordings } from './searchRecordings.js';
import {
  requireCallId,
  requireConferenceId,
  requireIndexFileName,
  requireRecordId,
  requireRecordingFileName,
  requireRecordingFileNames,
} from '../validation.js';

export const Query: QueryResolvers = {
  recording: (_parent, { fileName }) => ({ fileName: requireRecordingFileName(fileName) }),
  recordings: (_parent, { fileNames }) => requireRecordingFileNames(fileNames).map((fileName) => ({ fileName })),
  call: (_parent, { callId }) => ({ callId: requireCallId(callId) }),
  videoRecording: (_parent, { conferenceId, recordId }) => ({
    conferenceId: requireConferenceId(conferenceId),
    recordId: requireRecordId(recordId),
  }),
  agentOperationIndex: (_parent, { fileName }) => requireIndexFileName(fileName),
  searchRecordings,
  recordingIndexCoverage,
  agentOperationIndexes,
};
