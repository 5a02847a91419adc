export { SpotlightClient, type SpotlightClientOptions, type Schemas, type TokenResponse, type Me, type Message, type paths } from "./client.js";
export { SpotlightProblem, SessionEndedError, RealtimeError, type ProblemBody } from "./errors.js";
export { MemoryTokenStorage, LocalStorageTokenStorage, SecureStoreTokenStorage, type TokenStorage, type KeyValueStore, type AsyncSecureStore } from "./storage.js";
export type { RetryOptions } from "./retry.js";
export type { CallOptions, CallResult, Method, PathsWith, RequestOptions, SuccessBody } from "./http.js";
export { newId } from "./ids.js";
export { RealtimeClient, type RealtimeEvents, type RealtimeOptions, type RealtimeState } from "./realtime.js";
export type {
  TypingEvent, ReadEvent, PresenceEvent, ConversationEvent, GiftEvent, LiveViewersEvent, PkSide, PkScoreEvent, PkEndedEvent,
  LiveEndedEvent, LiveKickedEvent, MatchedEvent, MatchEndedEvent,
} from "./realtime.js";
export { ConversationSequencer } from "./sequencer.js";
