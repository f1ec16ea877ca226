"""The client's address behind TRUSTED_PROXY_COUNT reverse proxies.

Each proxy appends the address it received the request from to X-Forwarded-For, so the
chain "X-Forwarded-For entries, then REMOTE_ADDR" ends with our own proxies. The client is
the right-most hop that is not one of them. Whatever stands further left came from the
client itself and can be made up, so it is never used.
"""

import ipaddress

from django.conf import settings


def _address(entry: str) -> str | None:
    """The address in one X-Forwarded-For entry (ports and brackets removed), or None."""
    entry = entry.strip().strip('"')
    if entry.startswith("[") and "]" in entry:  # "[2001:db8::1]:443"
        entry = entry[1 : entry.index("]")]
    elif entry.count(":") == 1:  # "192.0.2.1:443"
        entry = entry.split(":")[0]
    try:
        return str(ipaddress.ip_address(entry))
    except ValueError:
        return None


def _grouped(address: str) -> str:
    """An IPv6 address stands for its /64 network: a single connection usually has a whole
    /64 to itself, and must not escape a limit by changing addresses within it."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)


def client_ip(request) -> str:
    """The address of the client, an IPv6 one as its /64 network (for rate limits and
    the admin lockout)."""
    return _grouped(_client_address(request))


def _client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if trusted <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [entry for entry in forwarded.split(",") if entry.strip()] + [remote]
    # The last `trusted` entries are our proxies; the client stands right before them.
    untrusted = chain[: max(1, len(chain) - trusted)]
    # Normally the last untrusted entry; if it is garbage, the nearest valid one before it.
    for entry in reversed(untrusted):
        address = _address(entry)
        if address:
            return address
    return remote
