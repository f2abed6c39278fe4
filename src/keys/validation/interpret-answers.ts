import type { KeyValidationResult } from '../../types/key-validator.ts';
import { interpretCommonStatus, type ProviderAnswer, pick, result } from './provider-answer.ts';

type Interpreter = (answer: ProviderAnswer, secrets: readonly string[], now: number) => KeyValidationResult;

const MISSING_SCOPES = /missing scopes?/i;

/**
 * OpenAI `GET /v1/models`. A restricted key without `api.model.read` gets 401 or 403 "Missing
 * scopes" yet may still chat, so it is valid but restricted. 429 `insufficient_quota` is billing,
 * not a rate limit.
 */
export const interpretOpenAI: Interpreter = (answer, secrets, now) => {
  const { status, message = '' } = answer;
  if ((status === 401 || status === 403) && MISSING_SCOPES.test(message)) {
    return result('valid', 'restricted', answer, secrets, now);
  }
  if (status === 429) {
    const code = pick(answer.body, 'code');
    const type = pick(answer.body, 'type');
    if (
      code === 'insufficient_quota' ||
      type === 'insufficient_quota' ||
      /exceeded your current quota/i.test(message)
    ) {
      return result('valid', 'no_credit', answer, secrets, now);
    }
  }
  return interpretCommonStatus(answer, secrets, now);
};

/** Mistral `GET /v1/models`: 401 for a bad key (bodies vary), 429 for limits. */
export const interpretMistral: Interpreter = (answer, secrets, now) =>
  interpretCommonStatus(answer, secrets, now);

/** Anthropic `GET /v1/models`: 401 `authentication_error`; an empty balance is 400 "credit balance is too low". */
export const interpretAnthropic: Interpreter = (answer, secrets, now) => {
  const { status, message = '' } = answer;
  if ((status === 400 || status === 402) && /credit balance/i.test(message)) {
    return result('valid', 'no_credit', answer, secrets, now);
  }
  if (status === 529) return result('unverified', 'server', answer, secrets, now);
  return interpretCommonStatus(answer, secrets, now);
};

function hasGoogleReason(body: unknown, reason: string): boolean {
  const details = pick(body, 'error', 'details');
  return Array.isArray(details) && details.some((detail) => pick(detail, 'reason') === reason);
}

/**
 * Gemini `GET /v1beta/models`: a bad or expired key is 400 `INVALID_ARGUMENT` with reason
 * `API_KEY_INVALID` (not 401); 403 `PERMISSION_DENIED` means the key may not use the API.
 */
export const interpretGemini: Interpreter = (answer, secrets, now) => {
  const { status, message = '' } = answer;
  if (
    status === 400 &&
    (hasGoogleReason(answer.body, 'API_KEY_INVALID') || /api key not valid/i.test(message))
  ) {
    return result('invalid', 'invalid', answer, secrets, now);
  }
  if (status === 400) return result('unverified', 'unexpected', answer, secrets, now);
  return interpretCommonStatus(answer, secrets, now);
};

/** Cohere `POST /v1/check-api-key`: 200 `{ valid }`, or 401 for a key it does not know. */
export const interpretCohere: Interpreter = (answer, secrets, now) => {
  if (answer.status >= 200 && answer.status < 300) {
    const valid = pick(answer.body, 'valid');
    if (valid === true) return result('valid', undefined, answer, secrets, now);
    if (valid === false) return result('invalid', 'invalid', answer, secrets, now);
    return result('unverified', 'unexpected', answer, secrets, now);
  }
  return interpretCommonStatus(answer, secrets, now);
};
