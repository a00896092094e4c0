"""ringto.mail: voicemail messages mailed to number owners, retried until sent (F7)."""
