/**
 * The reserved zone name a rule uses for "every zone" (the internet zone included): `from: sandbox, to: any, action:
 * deny` says the sandbox reaches nothing. It matches in evaluation like a zone that every zone belongs to; the
 * usual precedence then applies (an explicit deny beats any allow).
 */
export const ANY_ZONE = 'any';
