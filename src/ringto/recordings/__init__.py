"""ringto.recordings: recorded calls kept for the owner's retention days, then deleted (F6, F24)."""
