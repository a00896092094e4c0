"""Minimal B2BUA on the `sippy` library, the Python peer in bench/sip_cps.sh.

Every initial INVITE gets a new outbound leg to one next hop (the ring-to side);
everything else outside a dialog is refused. Caller and called numbers carry
over unchanged, so the From user of the outbound INVITE is the carrier's.

Why not sippy's own `b2bua_simple`: its UDP server runs three sender threads
(Udp_server_opts.nworkers = 3), and with several senders a 180 can reach the
wire after the 200 it preceded, which a strict sipp UAC counts as a failed
call. Here the UDP server has ONE worker: one sender, one receiver thread.

Runs only in the bench venv (bench/.venv, `pip install sippy==2.5.0`), never
in ringto's own dependencies. Logging is off unless SIPLOG_BEND is set.

    bench/.venv/bin/python bench/sippy_b2bua.py -l 127.0.0.1:15080 -n 127.0.0.1:15100
"""

import argparse
import os


def hostport(text: str, default_port: int = 5060) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host:
        return text, default_port
    return host, int(port)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-l", "--listen", default="127.0.0.1:15080", help="address:port to listen on")
    ap.add_argument("-n", "--next-hop", required=True, help="address:port of the ring-to side")
    args = ap.parse_args()
    laddr, lport = hostport(args.listen)
    nh_addr = hostport(args.next_hop)

    # sippy reads its logging set-up from the environment when the logger is made;
    # the default writes every SIP message to stderr, which a benchmark must not pay for.
    os.environ.setdefault("SIPLOG_BEND", "none")

    from sippy.CCEvents import CCEventDisconnect, CCEventTry
    from sippy.Core.EventDispatcher import ED2
    from sippy.SipAddress import SipAddress
    from sippy.SipConf import SipConf
    from sippy.SipContact import SipContact
    from sippy.SipLogger import SipLogger
    from sippy.SipTransactionManager import SipTransactionManager
    from sippy.SipURL import SipURL
    from sippy.UA import UA
    from sippy.Udp_server import Udp_server, Udp_server_opts

    class OneWorkerUdpOpts(Udp_server_opts):
        # One sender thread keeps responses in the order the B2BUA produced them.
        nworkers = 1

    class OneWorkerTransactionManager(SipTransactionManager):
        model_udp_server = (Udp_server, OneWorkerUdpOpts)

    config: dict = {
        "nh_addr": nh_addr,
        "_sip_address": laddr,
        "_sip_port": lport,
        "_sip_logger": SipLogger("sippy_b2bua"),
    }

    def contact():
        # sippy's default Contact has the display name "Anonymous", which sipp's
        # [next_url] copies into the ACK/BYE Request-URI; a bare URI avoids that.
        return SipContact(address=SipAddress(url=SipURL(host=laddr, port=lport)))

    class Call:
        """One call: the leg from the carrier (a) and the leg to the ring-to side (o)."""

        def __init__(self) -> None:
            self.ua_a = UA(config, self.on_event)
            self.ua_a.lContact = contact()
            self.ua_o = None

        def on_event(self, event, ua) -> None:
            if ua is not self.ua_a:
                self.ua_a.recvEvent(event)
                return
            if self.ua_o is None:
                if not isinstance(event, CCEventTry):
                    self.ua_a.recvEvent(CCEventDisconnect())
                    return
                self.ua_o = UA(config, event_cb=self.on_event, nh_address=config["nh_addr"])
                self.ua_o.lContact = contact()
            self.ua_o.recvEvent(event)

    def on_request(req, sip_t):
        if req.getHFBody("to").getTag() is not None:
            return (req.genResponse(481, "Call Leg/Transaction Does Not Exist"), None, None)
        if req.getMethod() == "INVITE":
            return Call().ua_a.recvRequest(req, sip_t)
        return (req.genResponse(501, "Not Implemented"), None, None)

    SipConf.my_uaname = "sippy_b2bua (ringto bench)"
    config["_sip_tm"] = OneWorkerTransactionManager(config, on_request)
    ED2.loop()


if __name__ == "__main__":
    main()
