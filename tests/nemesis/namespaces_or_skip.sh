# Sourced by the nemesis tests: exits 77 (ctest: skipped), saying why, when
# network namespaces cannot be made here (not root, no `ip`, or the kernel
# refuses).
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIPPED: confman-nemesis needs root to create network namespaces"
  exit 77
fi
if ! command -v ip >/dev/null; then
  echo "SKIPPED: iproute2's ip is not installed (tools/install-deps.sh installs it)"
  exit 77
fi
probe_name="cmnprobe$$"
if ! probe_error=$(ip netns add "$probe_name" 2>&1); then
  echo "SKIPPED: cannot create a network namespace here: $probe_error"
  exit 77
fi
ip netns del "$probe_name"
