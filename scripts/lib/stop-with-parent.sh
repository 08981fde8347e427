# Sourced by the install scripts. A command that starts an install stops it with its own end, but
# after a SIGKILL only this script hears of it (PR_SET_PDEATHSIG): pip, cmake and the compilers
# would build on with PPID 1. This watcher ends the script's whole process group (the script
# leads it when the workbench started it) once the parent is gone, and ends itself when the
# script does. It holds none of the script's output, so a caller reading that output is not kept
# waiting.
_stop_parent=$PPID _stop_script=$$
(
    while kill -0 "$_stop_parent" 2>/dev/null; do
        [ -d "/proc/$_stop_script" ] || exit 0
        sleep 1
    done
    kill -TERM -- "-$_stop_script" 2>/dev/null
) </dev/null >/dev/null 2>&1 &
