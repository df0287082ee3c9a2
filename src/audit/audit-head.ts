/** A head of the audit chain as the API and the CLI take it: ID:HASH (an entry id, a colon, 64 hex digits). */
export const EXPECT_HEAD_PATTERN = /^(0|[1-9]\d{0,17}):[0-9a-fA-F]{64}$/;
