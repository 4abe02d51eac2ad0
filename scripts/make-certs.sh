#!/usr/bin/env bash
# Makes a test PKI in DIR (once): a CA, a server certificate for localhost/127.0.0.1,
# a client certificate, and a second unrelated CA (for "does not verify" tests).
set -euo pipefail
dir=${1:?usage: make-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
[ -f .done ] && exit 0
subj=/O=sluice-test
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout ca-key.pem -out ca.pem -subj "$subj/CN=sluice test CA" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout other-ca-key.pem -out other-ca.pem -subj "$subj/CN=unrelated CA" 2>/dev/null
cat > san.cnf <<'CNF'
subjectAltName=DNS:localhost,IP:127.0.0.1
CNF
openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj "$subj/CN=localhost" 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 -extfile san.cnf -out server-cert.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout client-key.pem -out client.csr -subj "$subj/CN=sluice client" 2>/dev/null
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 -out client-cert.pem 2>/dev/null
chmod 644 ./*.pem
touch .done
