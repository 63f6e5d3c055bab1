"""An oslo.messaging notification listener, as OpenStack services and Pumphouse run one.

Usage: oslo_listener.py TRANSPORT_URL EXCHANGE TOPIC COUNT
Prints "ready", then, once COUNT INFO notifications arrived (60 s at most), one JSON line: what
the listener's endpoint was given for each. Exits 1 if fewer arrived.
"""
import json
import sys
import threading

from oslo_config import cfg
import oslo_messaging

url, exchange, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
conf = cfg.ConfigOpts()
conf([])
transport = oslo_messaging.get_notification_transport(conf, url=url)
got = []
done = threading.Event()


class Endpoint:
    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        got.append({"publisher_id": publisher_id, "event_type": event_type, "payload": payload,
                    "metadata": metadata, "context": ctxt})
        if len(got) >= count:
            done.set()
        return oslo_messaging.NotificationResult.HANDLED


listener = oslo_messaging.get_notification_listener(
    transport, [oslo_messaging.Target(topic=topic, exchange=exchange)], [Endpoint()], executor="threading")
listener.start()
print("ready", flush=True)
arrived = done.wait(60)
listener.stop()
listener.wait()
print(json.dumps(got, default=str), flush=True)
sys.exit(0 if arrived else 1)
