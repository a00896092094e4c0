"""Pure SIP (RFC 3261): messages, URIs, headers, SDP, transactions, dialogs.

No sockets, no asyncio.
"""
