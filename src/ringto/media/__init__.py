"""Media: RTP anchoring, G.711, RFC 4733 DTMF, recording and prompts.

The cores (`rtp`, `g711`, `dtmf`, `jitter`, `timeline`, `wav`, `sdp_offer`)
are plain code with no sockets; `ports` and `session` are the thin asyncio shell the
call engine drives.
"""
