/** All resolvers of the subgraph, typed by the codegen output of schema/subgraph.graphql. */
import type { Resolvers } from '../../generated/resolvers-types.js';
import { AgentOperation, AgentOperationIndex } from './AgentOperationIndex.js';
import { Call } from './Call.js';
import { Playback } from './Playback.js';
import { requestAgentOperationIndex } from './agentOperationIndexRequests.js';
import { Query } from './Query.js';
import { Recording } from './Recording.js';
import { RecordingIndexCoverage } from './RecordingIndexCoverage.js';
import { RecordingPage } from './searchRecordings.js';
import { DateScalar, DateTimeScalar } from './scalars.js';
import { VideoRecording } from './VideoRecording.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query,
  Mutation: { requestAgentOperationIndex },
  Call,
  Recording,
  Playback,
  VideoRecording,
  AgentOperationIndex,
  AgentOperation,
  RecordingPage,
  RecordingIndexCoverage,
};
