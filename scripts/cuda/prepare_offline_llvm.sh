#!/bin/sh
# Makes a full `--features cuda` build possible without GitHub access.
#
# burn 0.22.1's CUDA stack compiles kernels through LLVM's NVPTX back end (cubecl-cuda depends on
# cubecl-llvm, not optional), and the build script of tracel-llvm-bundler downloads a prebuilt
# LLVM 23.1 from GitHub releases. It honours no URL or system-LLVM variable, but it returns at
# once when `<XDG_DATA_HOME>/tracel/tracel-llvm-23.1.0-4/.tracel-llvm-installed` exists, and
# linking then only needs that folder's `bin/llvm-config`, `include/` and static `lib/*.a`.
# This script fills that folder from Debian sid's llvm-23-dev packages (downloaded with a
# private apt configuration; nothing is installed system-wide), fixes three incompatibilities
# with Debian bookworm (glibc-2.38 symbol names, Polly, absolute .so paths), and writes the marker.
#
# Needs: apt-get, dpkg-deb, objcopy (binutils), and at link time libz3-dev libxml2-dev
# zlib1g-dev libzstd-dev. About 72 MB downloaded, 414 MB on disk, one minute.
#
#   sh scripts/cuda/prepare_offline_llvm.sh          # then: cargo build --release --features cuda
#   cargo clean -p cubecl-llvm                        # after changing the LLVM folder
#
# Usage: prepare_offline_llvm.sh [DEST_DATA_HOME]   (default: ${XDG_DATA_HOME:-$HOME/.local/share})
set -eu
DATA=${1:-${XDG_DATA_HOME:-$HOME/.local/share}}
P="$DATA/tracel/tracel-llvm-23.1.0-4"
W=$(mktemp -d)
# 1. private apt config for Debian sid (does not touch the system's apt sources)
mkdir -p $W/lists/partial $W/cache/archives/partial $W/etc/sources.list.d $W/etc/preferences.d
touch $W/status
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" > $W/etc/sources.list
O="-o Dir::Etc=$W/etc -o Dir::Etc::sourcelist=$W/etc/sources.list -o Dir::Etc::sourceparts=$W/etc/sources.list.d -o Dir::State::Lists=$W/lists -o Dir::Cache=$W/cache -o Dir::State::status=$W/status -o APT::Architecture=amd64"
apt-get $O update -q
(cd $W && apt-get $O download llvm-23-dev llvm-23)   # 23.1.4-2 at the time of writing
mkdir -p $W/root && for d in $W/*.deb; do dpkg-deb -x "$d" $W/root; done
L=$W/root/usr/lib/llvm-23
# 2. lay out the prefix the bundler expects
rm -rf "$P"; mkdir -p "$P/bin" "$P/lib"
cp -rL $L/include "$P/include"           # include/llvm{,-c} are symlinks into /usr/include/llvm-23
cp $L/lib/*.a "$P/lib/"
cp $L/bin/llvm-config "$P/bin/llvm-config.real"   # statically linked against LLVM; runs on bookworm
# 3. sid's glibc 2.42 headers redirect strtol/sscanf to glibc-2.38 __isoc23_* names; bookworm has 2.36
for a in "$P"/lib/*.a; do
  if nm -u --format=just-symbols "$a" 2>/dev/null | grep -q '^__isoc23_'; then
    objcopy --redefine-sym __isoc23_strtol=strtol --redefine-sym __isoc23_strtoll=strtoll \
      --redefine-sym __isoc23_strtoul=strtoul --redefine-sym __isoc23_strtoull=strtoull \
      --redefine-sym __isoc23_sscanf=sscanf --redefine-sym __isoc23_scanf=scanf \
      --redefine-sym __isoc23_fscanf=fscanf --redefine-sym __isoc23_vsscanf=vsscanf "$a"
  fi
done
# 4. bookworm has libzstd.so.1 but no libzstd.so dev symlink unless libzstd-dev is installed
[ -e /usr/lib/x86_64-linux-gnu/libzstd.so ] || ln -sf /lib/x86_64-linux-gnu/libzstd.so.1 "$P/lib/libzstd.so"
# 5. llvm-config wrapper: drop Polly (not in llvm-23-dev) and turn absolute .so paths into -lNAME
cat > "$P/bin/llvm-config" <<'WRAP'
#!/bin/sh
real="$(dirname "$0")/llvm-config.real"
out=$("$real" "$@") || exit $?
for a in "$@"; do
  if [ "$a" = "--libs" ] || [ "$a" = "--libnames" ]; then
    out=$(printf '%s\n' "$out" | tr ' ' '\n' | grep -v -E '^(-lPolly|-lPollyISL|libPolly\.a|libPollyISL\.a)$' | tr '\n' ' ' | sed 's/ *$//')
  fi
  if [ "$a" = "--system-libs" ]; then
    out=$(printf '%s\n' "$out" | sed -E 's#(^| )/[^ ]*/lib([A-Za-z0-9_+-]+)\.so[^ ]*#\1-l\2#g')
  fi
done
printf '%s\n' "$out"
WRAP
chmod +x "$P/bin/llvm-config"
# 6. the sentinel makes tracel-llvm-bundler's build script return before any download
touch "$P/.tracel-llvm-installed"
rm -rf $W
echo "prepared $P"
