/**
 * Readable names of the agentOprInfo `op_type` codes (docs/cc-platform.md §8.3, Huawei page
 * cec_07_0838). Codes missing from the table (and -1, "not used") have no name.
 */
export const OP_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'SIGN_OUT',
  1: 'SIGN_IN',
  2: 'IDLE',
  3: 'BUSY',
  4: 'TALKING',
  10: 'THREE_PARTY',
  13: 'MANUAL_TO_AUTO',
  20: 'LISTEN_INSERT_WHISPER',
  22: 'PLAY_VOICE',
  26: 'REST',
  27: 'WORK',
  29: 'FORCED_SIGN_OUT',
  30: 'FORCED_IDLE',
  31: 'FORCED_BUSY',
  32: 'MUTE',
  38: 'HOLD',
  40: 'INTERNAL_HELP',
  41: 'INTERNAL_CALL',
  43: 'INTERCEPT',
  44: 'PAUSE_PLAY',
  45: 'INTERNAL_TRANSFER',
  46: 'TRANSFER_OUT',
  47: 'SIGN_IN_MEDIA_SERVER',
  52: 'SIGN_OUT_MEDIA_SERVER',
  53: 'TRANSFER_QUEUED_CALL',
  54: 'RELEASE_TRANSFER',
  55: 'TRANSFER_TO_OTHER_DEVICE',
  57: 'SWITCH_HOLD_DURING_HELP',
  58: 'CONFERENCE',
};

export function opTypeName(opType: number): string | null {
  return Object.hasOwn(OP_TYPE_NAMES, opType) ? (OP_TYPE_NAMES[opType] ?? null) : null;
}
