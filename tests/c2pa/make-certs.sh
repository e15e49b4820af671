#!/usr/bin/env bash
# Makes throw-away C2PA test credentials with openssl, for the signing tests only:
#
#   OUT/root-<alg>.pem          a self-signed root CA (the "trust list" a test hands to readers)
#   OUT/chain-<alg>.pem         leaf + intermediate, the chain `--sign-cert` takes
#   OUT/key-<alg>.pem           the leaf's private key (PKCS#8), what `--sign-key` takes
#   OUT/other-key-es256.pem     a P-256 key that matches no certificate here
#   OUT/expired-chain-es256.pem a leaf (with its intermediate) whose validity ended in 2021
#   OUT/expired-key-es256.pem   its key
#
# for <alg> in es256 (P-256) and ed25519. The leaf has what the C2PA certificate profile
# asks of a claim signer: keyUsage digitalSignature and an extendedKeyUsage (emailProtection),
# and is not a CA. Usage: make-certs.sh OUT_DIR
set -euo pipefail
out=${1:?usage: make-certs.sh OUT_DIR}
mkdir -p "$out"
cd "$out"

keygen() { # ALG FILE
    case $1 in
        es256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2" 2>/dev/null ;;
        ed25519) openssl genpkey -algorithm ED25519 -out "$2" 2>/dev/null ;;
    esac
}

cat > ca.ext <<'EXT'
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EXT
cat > leaf.ext <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EXT

# Ed25519 certificates carry no digest; the others are signed with SHA-256.
digest() { [ "$1" = ed25519 ] && echo "" || echo "-sha256"; }

for alg in es256 ed25519; do
    keygen "$alg" "root-key-$alg.pem"
    openssl req -x509 $(digest "$alg") -new -key "root-key-$alg.pem" -days 3650 \
        -subj "/CN=scenec test root ($alg)/O=scenec tests" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "root-$alg.pem"
    keygen "$alg" "int-key-$alg.pem"
    openssl req -new -key "int-key-$alg.pem" -subj "/CN=scenec test intermediate ($alg)/O=scenec tests" \
        -out "int-$alg.csr"
    openssl x509 -req $(digest "$alg") -in "int-$alg.csr" -CA "root-$alg.pem" -CAkey "root-key-$alg.pem" \
        -set_serial 0x$(openssl rand -hex 8) -days 3650 -extfile ca.ext -out "int-$alg.pem" 2>/dev/null
    keygen "$alg" "key-$alg.pem"
    openssl req -new -key "key-$alg.pem" -subj "/CN=scenec test signer ($alg)/O=scenec tests" \
        -out "leaf-$alg.csr"
    openssl x509 -req $(digest "$alg") -in "leaf-$alg.csr" -CA "int-$alg.pem" -CAkey "int-key-$alg.pem" \
        -set_serial 0x$(openssl rand -hex 8) -days 365 -extfile leaf.ext -out "leaf-$alg.pem" 2>/dev/null
    cat "leaf-$alg.pem" "int-$alg.pem" > "chain-$alg.pem"
done

keygen es256 other-key-es256.pem

# An expired leaf: `openssl x509` (3.0) only counts days forward, so `openssl ca` dates it.
mkdir -p ca/new
: > ca/index.txt
cat > ca.cnf <<'CNF'
[ca]
default_ca = test
[test]
database = ca/index.txt
new_certs_dir = ca/new
serial = ca/serial
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no
[anything]
commonName = supplied
organizationName = optional
CNF
openssl rand -hex 8 > ca/serial
keygen es256 expired-key-es256.pem
openssl req -new -key expired-key-es256.pem -subj "/CN=scenec expired signer/O=scenec tests" \
    -out expired.csr
openssl ca -batch -config ca.cnf -cert int-es256.pem -keyfile int-key-es256.pem -in expired.csr \
    -startdate 20200101000000Z -enddate 20210101000000Z -extfile leaf.ext -notext \
    -out expired-leaf-es256.pem 2>/dev/null
cat expired-leaf-es256.pem int-es256.pem > expired-chain-es256.pem
rm -f ./*.csr
