#!/usr/bin/python3
"""Small REST helpers for dev/clouds (standard library only).

    cloudctl.py token    --keystone URL --password P
    cloudctl.py register --keystone URL --password P --region R --identity-url U --image-url U
                         --glance-password P --demo-password P
                         [--compute-url U --placement-url U --network-url U
                          --nova-password P --placement-password P --neutron-password P]
    cloudctl.py flavor   --keystone URL --password P --nova URL
    cloudctl.py network  --keystone URL --password P --neutron URL --project P --name N --cidr C
                         [--share-with KEYSTONE_URL...]
    cloudctl.py compute-wait --keystone URL --password P --nova URL --since EPOCH [--timeout S]
    cloudctl.py rabbit-definitions --user U --password P --out FILE VHOST...
    cloudctl.py image    --keystone URL --password P --region R --file F [--name cirros]
                         [--proxy http://host:port]
    cloudctl.py routes   --out FILE CLOUD=LIST.json,FRONTEND[,TYPE=BACKEND...] ...
    cloudctl.py wal      FILE.sqlite...
    cloudctl.py keys     KEY_REPOSITORY...

Keystone calls go straight to the URL given (no proxy: the proxies start after registration).
`image` goes through --proxy when given, as the openstack CLI would with HTTP_PROXY.
Every command is idempotent: it finds what exists and creates or corrects only what is missing.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT = 30


class Api:
    """JSON over HTTP with an optional proxy and token; never reads the environment's proxies."""

    def __init__(self, proxy=None, token=None):
        handlers = [urllib.request.ProxyHandler({"http": proxy} if proxy else {})]
        self.opener = urllib.request.build_opener(*handlers)
        self.token = token

    def call(self, method, url, body=None, headers=None, raw=None, ok=(200, 201, 202, 204)):
        hdrs = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        if raw is not None:
            data = raw
            hdrs["Content-Type"] = "application/octet-stream"
        if self.token:
            hdrs["X-Auth-Token"] = self.token
        hdrs.update(headers or {})
        req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
        try:
            with self.opener.open(req, timeout=TIMEOUT) as resp:
                payload = resp.read()
                status, resp_headers = resp.status, resp.headers
        except urllib.error.HTTPError as err:
            payload, status, resp_headers = err.read(), err.code, err.headers
        if status not in ok:
            text = payload.decode(errors="replace")[:500]
            raise SystemExit(f"cloudctl: {method} {url} -> {status}: {text}")
        doc = json.loads(payload) if payload and payload[:1] in (b"{", b"[") else None
        return status, resp_headers, doc


def admin_token(api, keystone, password, user="admin", project="admin"):
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"id": "default"}}}}}
    _, headers, doc = api.call("POST", keystone + "/auth/tokens", body)
    return headers["X-Subject-Token"], doc["token"].get("catalog", [])


def find_one(api, url, key, **query):
    _, _, doc = api.call("GET", url + "?" + urllib.parse.urlencode(query))
    items = doc[key]
    return items[0] if items else None


def ensure(api, keystone, collection, key, query, create):
    found = find_one(api, f"{keystone}/{collection}", collection, **query)
    if found:
        return found, False
    _, _, doc = api.call("POST", f"{keystone}/{collection}", {key: create})
    return doc[key], True


def ensure_user(api, keystone, name, password):
    user, created = ensure(api, keystone, "users", "user", {"name": name, "domain_id": "default"},
                           {"name": name, "domain_id": "default", "password": password,
                            "enabled": True})
    if not created:  # keep the password what this run says it is
        api.call("PATCH", f"{keystone}/users/{user['id']}", {"user": {"password": password}})
    return user


def ensure_endpoints(api, keystone, service_id, region, url):
    for interface in ("public", "internal", "admin"):
        found = find_one(api, f"{keystone}/endpoints", "endpoints", service_id=service_id,
                         interface=interface, region_id=region)
        if found is None:
            api.call("POST", f"{keystone}/endpoints", {"endpoint": {
                "service_id": service_id, "interface": interface, "url": url,
                "region_id": region, "enabled": True}})
        elif found["url"] != url:
            api.call("PATCH", f"{keystone}/endpoints/{found['id']}", {"endpoint": {"url": url}})


def cmd_token(args):
    token, _ = admin_token(Api(), args.keystone, args.password)
    print(token)


def cmd_register(args):
    api = Api()
    api.token, _ = admin_token(api, args.keystone, args.password)
    ks = args.keystone
    projects = {}
    for name in ("service", "demo"):
        projects[name], _ = ensure(api, ks, "projects", "project",
                                   {"name": name, "domain_id": "default"},
                                   {"name": name, "domain_id": "default", "enabled": True,
                                    "description": f"{name} project"})
    roles = {}
    for name in ("admin", "member"):
        roles[name], _ = ensure(api, ks, "roles", "role", {"name": name}, {"name": name})
    glance = ensure_user(api, ks, "glance", args.glance_password)
    demo = ensure_user(api, ks, "demo", args.demo_password)
    for project, user, role in (("service", glance, "admin"), ("demo", demo, "member")):
        api.call("PUT", f"{ks}/projects/{projects[project]['id']}/users/{user['id']}"
                        f"/roles/{roles[role]['id']}")
    identity, _ = ensure(api, ks, "services", "service", {"type": "identity"},
                         {"type": "identity", "name": "keystone", "enabled": True})
    image, _ = ensure(api, ks, "services", "service", {"type": "image"},
                      {"type": "image", "name": "glance", "enabled": True,
                       "description": "OpenStack Image"})
    ensure_endpoints(api, ks, identity["id"], args.region, args.identity_url)
    ensure_endpoints(api, ks, image["id"], args.region, args.image_url)
    if args.compute_url:
        register_compute(api, ks, args, projects["service"], roles["admin"])


def register_compute(api, ks, args, service_project, admin_role):
    """Nova, Placement and Neutron, their users and endpoints."""
    for name, password in (("nova", args.nova_password), ("placement", args.placement_password),
                           ("neutron", args.neutron_password)):
        user = ensure_user(api, ks, name, password)
        api.call("PUT", f"{ks}/projects/{service_project['id']}/users/{user['id']}"
                        f"/roles/{admin_role['id']}")
    for stype, name, description, url in (
            ("compute", "nova", "OpenStack Compute", args.compute_url),
            ("placement", "placement", "Placement API", args.placement_url),
            ("network", "neutron", "OpenStack Networking", args.network_url)):
        service, _ = ensure(api, ks, "services", "service", {"type": stype},
                            {"type": stype, "name": name, "enabled": True,
                             "description": description})
        if service["name"] != name:  # a state directory of the days of the network stand-in
            api.call("PATCH", f"{ks}/services/{service['id']}", {"service": {
                "name": name, "description": description}})
        ensure_endpoints(api, ks, service["id"], args.region, url)


def cmd_network(args):
    # The demo project's network and subnet, straight to Neutron with an admin token; prints
    # the network's ID. Found by name if it exists.
    api = Api()
    api.token, _ = admin_token(api, args.keystone, args.password)
    project = find_one(api, f"{args.keystone}/projects", "projects", name=args.project,
                       domain_id="default")
    if project is None:
        raise SystemExit(f"cloudctl: no project {args.project}")
    neutron = args.neutron.rstrip("/") + "/v2.0"
    network = find_one(api, f"{neutron}/networks", "networks", name=args.name,
                       project_id=project["id"])
    if network is None:
        _, _, doc = api.call("POST", f"{neutron}/networks", {"network": {
            "name": args.name, "project_id": project["id"]}})
        network = doc["network"]
    if not network.get("subnets"):
        api.call("POST", f"{neutron}/subnets", {"subnet": {
            "name": args.name + "-subnet", "network_id": network["id"],
            "project_id": project["id"], "ip_version": 4, "cidr": args.cidr}})
    # A user of another cloud reaches this Neutron with a token of their own Keystone, so with
    # their project's ID there: the network is shared with that project (an RBAC policy), as an
    # operator would share it with a collaborating cloud's project.
    for peer in args.share_with:
        peer_api = Api()
        peer_api.token, _ = admin_token(peer_api, peer, args.password)
        other = find_one(peer_api, f"{peer}/projects", "projects", name=args.project,
                         domain_id="default")
        if other is None:
            raise SystemExit(f"cloudctl: no project {args.project} at {peer}")
        if find_one(api, f"{neutron}/rbac-policies", "rbac_policies", object_id=network["id"],
                    target_tenant=other["id"], action="access_as_shared") is None:
            api.call("POST", f"{neutron}/rbac-policies", {"rbac_policy": {
                "object_type": "network", "object_id": network["id"],
                "action": "access_as_shared", "target_tenant": other["id"]}})
    print(network["id"])


def compute_api(args):
    api = Api()
    api.token, _ = admin_token(Api(), args.keystone, args.password)
    return api, args.nova.rstrip("/")


def cmd_flavor(args):
    # m1.tiny, as devstack makes it; straight to nova-api with an admin token.
    api, nova = compute_api(args)
    _, _, doc = api.call("GET", f"{nova}/flavors")
    if not any(f["name"] == "m1.tiny" for f in doc["flavors"]):
        api.call("POST", f"{nova}/flavors", {"flavor": {
            "name": "m1.tiny", "ram": 512, "vcpus": 1, "disk": 1}})


def cmd_compute_wait(args):
    # Until the compute service has reported since it was started (--since: a restart keeps the
    # old record "up" for a minute, and the scheduler finds no host before the first report).
    # By then the compute node record exists (made before the first report) for discover_hosts.
    api, nova = compute_api(args)
    since = datetime.datetime.fromtimestamp(args.since, datetime.timezone.utc).replace(tzinfo=None)
    deadline = time.monotonic() + args.timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        _, _, doc = api.call("GET", f"{nova}/os-services?binary=nova-compute",
                             headers={"OpenStack-API-Version": "compute 2.53"})
        services = doc["services"]
        fresh = [s for s in services if s["state"] == "up" and s.get("updated_at")
                 and datetime.datetime.fromisoformat(s["updated_at"][:19]) >= since]
        if fresh:
            print(fresh[0]["host"])
            return
        last = f"services {[(s['host'], s['state'], s.get('updated_at')) for s in services]}"
        time.sleep(1)
    raise SystemExit(f"cloudctl: no compute service reported in {args.timeout} s ({last})")


def cmd_rabbit_definitions(args):
    # RabbitMQ's definitions file: one user, one vhost per cloud. The password hash is
    # rabbit_password_hashing_sha256: base64(salt + sha256(salt + password)), 4-byte salt.
    salt = os.urandom(4)
    digest = hashlib.sha256(salt + args.password.encode()).digest()
    doc = {"users": [{"name": args.user, "password_hash": base64.b64encode(salt + digest).decode(),
                      "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []}],
           "vhosts": [{"name": v} for v in args.vhosts],
           "permissions": [{"user": args.user, "vhost": v, "configure": ".*", "write": ".*",
                            "read": ".*"} for v in args.vhosts]}
    fd = os.open(args.out + ".new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f)
    os.replace(args.out + ".new", args.out)


def cmd_image(args):
    api = Api(proxy=args.proxy)
    api.token, catalog = admin_token(Api(), args.keystone, args.password)
    urls = [e["url"] for s in catalog if s["type"] == "image" for e in s["endpoints"]
            if e["interface"] == "public" and e.get("region_id") == args.region]
    if not urls:
        raise SystemExit(f"cloudctl: no public image endpoint in region {args.region}")
    glance = urls[0].rstrip("/") + "/v2"
    _, _, doc = api.call("GET", f"{glance}/images?name={urllib.parse.quote(args.name)}")
    active = [i for i in doc["images"] if i["status"] == "active"]
    if active:
        print(active[0]["id"])
        return
    for stale in doc["images"]:  # an upload that was cut short earlier
        api.call("DELETE", f"{glance}/images/{stale['id']}")
    _, _, img = api.call("POST", f"{glance}/images", {
        "name": args.name, "disk_format": "raw", "container_format": "bare",
        "visibility": "public"})
    with open(args.file, "rb") as f:
        api.call("PUT", f"{glance}/images/{img['id']}/file", raw=f.read())
    print(img["id"])


def host_port(url):
    parts = urllib.parse.urlsplit(url if "://" in url else "http://" + url)
    return f"{parts.hostname}:{parts.port or 80}"


def cmd_routes(args):
    # TEMPORARY fallback for `bin/oscope routes generate` (not merged yet when this was written):
    # builds the route file (the OpenStackoïd prototype's services.json format) from the clouds' `openstack endpoint list -f json`.
    services = []
    for spec in args.clouds:
        name, rest = spec.split("=", 1)
        fields = rest.split(",")
        listing, frontend, overrides = fields[0], fields[1], dict(f.split("=", 1) for f in fields[2:])
        with open(listing) as f:
            rows = json.load(f)
        for row in rows:
            if row.get("Region") != name or row.get("Enabled") is False:
                continue
            stype = row["Service Type"]
            services.append({
                "Service Type": stype, "Interface": row["Interface"], "URL": row["URL"],
                "Region": name, "Frontend": frontend,
                "Backend": overrides.get(stype, host_port(row["URL"]))})
    with open(args.out, "w") as f:
        json.dump({"services": services}, f, indent=2)
        f.write("\n")


def cmd_keys(args):
    # Keystone's key repositories as `keystone-manage fernet_setup` / `credential_setup` leave
    # them: file 0 is the staged key, file 1 the primary; each a urlsafe-base64 32-byte key.
    for repo in args.dirs:
        os.makedirs(repo, mode=0o700, exist_ok=True)
        os.chmod(repo, 0o700)
        if any(name.isdigit() for name in os.listdir(repo)):
            continue
        for index in ("0", "1"):
            path = os.path.join(repo, index)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(base64.urlsafe_b64encode(os.urandom(32)))


def cmd_jws_keys(args):
    # What `keystone-manage create_jws_keypair` writes (an ES256 pair, PEM), split as Keystone's
    # [jwt_tokens] repositories want it: private/private.pem signs, public/*.pem verify.
    from keystone.common import jwt_utils
    private, public = os.path.join(args.dir, "private"), os.path.join(args.dir, "public")
    if os.path.exists(os.path.join(private, "private.pem")):
        return
    for d in (private, public):
        os.makedirs(d, mode=0o700, exist_ok=True)
    jwt_utils.create_jws_keypair(os.path.join(private, "private.pem"), os.path.join(public, "public.pem"))


def cmd_wal(args):
    for path in args.files:
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA journal_mode=WAL")


def main():
    p = argparse.ArgumentParser(prog="cloudctl.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("token", "register", "image", "flavor", "compute-wait", "network"):
        s = sub.add_parser(name)
        s.add_argument("--keystone", required=True, help="Keystone v3 URL, direct")
        s.add_argument("--password", required=True, help="admin's password")
    reg = sub.choices["register"]
    reg.add_argument("--region", required=True)
    reg.add_argument("--identity-url", required=True)
    reg.add_argument("--image-url", required=True)
    reg.add_argument("--glance-password", required=True)
    reg.add_argument("--demo-password", required=True)
    for opt in ("--compute-url", "--placement-url", "--network-url", "--nova-password",
                "--placement-password", "--neutron-password"):
        reg.add_argument(opt)
    for name in ("flavor", "compute-wait"):
        sub.choices[name].add_argument("--nova", required=True, help="nova-api URL, direct")
    sub.choices["compute-wait"].add_argument("--since", type=float, required=True)
    sub.choices["compute-wait"].add_argument("--timeout", type=float, default=120)
    net = sub.choices["network"]
    net.add_argument("--neutron", required=True, help="Neutron's URL, direct")
    net.add_argument("--project", required=True)
    net.add_argument("--name", required=True)
    net.add_argument("--cidr", required=True)
    net.add_argument("--share-with", action="append", default=[], metavar="KEYSTONE_URL",
                     help="another cloud's Keystone: share the network with its project of that name")
    rabbit = sub.add_parser("rabbit-definitions")
    rabbit.add_argument("--user", required=True)
    rabbit.add_argument("--password", required=True)
    rabbit.add_argument("--out", required=True)
    rabbit.add_argument("vhosts", nargs="+")
    img = sub.choices["image"]
    img.add_argument("--region", required=True)
    img.add_argument("--file", required=True)
    img.add_argument("--name", default="cirros")
    img.add_argument("--proxy")
    routes = sub.add_parser("routes")
    routes.add_argument("--out", required=True)
    routes.add_argument("clouds", nargs="+")
    wal = sub.add_parser("wal")
    wal.add_argument("files", nargs="+")
    keys = sub.add_parser("keys")
    keys.add_argument("dirs", nargs="+")
    jws = sub.add_parser("jws-keys")
    jws.add_argument("dir")
    args = p.parse_args()
    {"token": cmd_token, "register": cmd_register, "image": cmd_image, "routes": cmd_routes,
     "wal": cmd_wal, "keys": cmd_keys, "jws-keys": cmd_jws_keys, "flavor": cmd_flavor, "compute-wait": cmd_compute_wait,
     "network": cmd_network,
     "rabbit-definitions": cmd_rabbit_definitions}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
