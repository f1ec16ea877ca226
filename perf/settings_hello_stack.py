"""The portal's settings with one "Hallo" view as the only address (perf/hello_stack.py):
`make bench` serves it as a second yardstick, the cost of the portal's middleware stack
around a view that does nothing. The page cache is off, so every request runs the stack."""

from iserlohn_digital.settings import *  # noqa: F403

ROOT_URLCONF = "perf.hello_stack"
PAGE_CACHE = False
