#!/usr/bin/env bash
# End-to-end farm test on a real Slurm: a two-node cluster on this machine (slurmctld and two
# slurmd, munge for authentication), `scenec farm --engine slurm`, its submit.sh, and a check
# that the film the cluster assembled is byte-identical to a single-machine render.
#
# Usage: tests/farm/slurm.sh PATH/TO/scenec   (as root; scripts/test.sh runs it after the
# cargo tests and installs slurm-wlm and munge first.)
set -euo pipefail

scenec=$(realpath "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
for tool in slurmctld slurmd sbatch scontrol munged; do
    command -v "$tool" >/dev/null || { echo "slurm.sh: $tool is missing (apt-get install slurm-wlm munge)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/scenec-slurm.XXXXXX)
conf="$work/slurm.conf"
host=$(hostname -s)
# Two free ports for the nodes and one for the controller, far from the usual ones.
base=$((20000 + RANDOM % 20000))
mkdir -p "$work/state" "$work/spool/n1" "$work/spool/n2" "$work/log"
cat > "$conf" <<CONF
ClusterName=scenec-test
SlurmctldHost=$host
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool/%n
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd-%n.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MinJobAge=600
NodeName=n[1-2] NodeHostname=$host Port=$((base + 2))-$((base + 3)) CPUs=1 State=UNKNOWN
PartitionName=main Nodes=n[1-2] Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$conf"

cleanup() {
    for pidfile in "$work"/slurmd-n1.pid "$work"/slurmd-n2.pid "$work"/slurmctld.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    sleep 1
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p /run/munge
pgrep -x munged >/dev/null || munged --force
slurmctld -f "$conf"
slurmd -f "$conf" -N n1
slurmd -f "$conf" -N n2
for _ in $(seq 60); do
    idle=$(sinfo -h -o '%t %D' 2>/dev/null | awk '$1=="idle"{print $2}')
    [ "${idle:-0}" = 2 ] && break
    sleep 1
done
sinfo -h -o '%t %D' | grep -q '^idle 2$' || { echo "slurm.sh: the two nodes did not come up" >&2; cat "$work"/log/*.log >&2; exit 1; }

# The project: a shipped example with a `continues` chain, copied so the test owns its cache.
cp -r "$repo/examples/the_reunion" "$work/project"
cd "$work/project"
"$scenec" render film.scene -o single.mp4 --json >/dev/null
rm -rf .scene-cache
"$scenec" farm film.scene --engine slurm --workers 2 --scenec "$scenec" --film farm.mp4 -o "$work/jobs"
# Nothing is rendered yet: `farm status` says so with exit 3.
status=0; "$scenec" farm status film.scene >/dev/null || status=$?
[ "$status" = 3 ] || { echo "slurm.sh: farm status before the farm exited $status, not 3" >&2; exit 1; }
assemble=$("$work/jobs/submit.sh")
echo "submitted; assembly job $assemble"
state=""
for _ in $(seq 300); do
    state=$(scontrol show job "$assemble" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1)
    case "$state" in
        COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;;
    esac
    sleep 1
done
if [ "$state" != COMPLETED ]; then
    echo "slurm.sh: the assembly job ended $state" >&2
    tail -n 50 "$work"/jobs/logs/* >&2 || true
    exit 1
fi
# Both array tasks ran, each on its own shard.
ls "$work"/jobs/logs/shots-*_0.log "$work"/jobs/logs/shots-*_1.log >/dev/null
cmp single.mp4 farm.mp4
# Every shot is done in the shared cache, and no lease is left behind.
"$scenec" farm status film.scene --json | grep -q '"done":6,"film"' \
    || { echo "slurm.sh: farm status does not show 6 shots done" >&2; "$scenec" farm status film.scene >&2; exit 1; }
"$scenec" farm status film.scene >/dev/null
echo "slurm farm: 2 array tasks + assembly (afterok) on a 2-node cluster; farm.mp4 is byte-identical to the single-machine render ($(stat -c %s farm.mp4) bytes)"
