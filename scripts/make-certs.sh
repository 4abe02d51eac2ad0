#!/usr/bin/env bash
# Makes a test PKI in DIR (once): a CA, a server certificate for localhost/127.0.0.1,
# a client certificate, and a second unrelated CA (for "does not verify" tests). Then (once, in
# a second step so an existing DIR gains them): an expired server certificate
# (expired-server-cert.pem, valid in January 2020 only), a second client certificate of the CA
# with another subject (client2-*.pem, CN=sluice other client) and a client certificate of the
# unrelated CA (other-client-*.pem), for the TLS account and certificate tests.
set -euo pipefail
dir=${1:?usage: make-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
subj=/O=sluice-test
extra() {
  [ -f .done-extra ] && return 0
  cat > expired-ca.cnf <<'CNF'
[ ca ]
default_ca = c
[ c ]
database = expired-index.txt
new_certs_dir = .
serial = expired-serial
default_md = sha256
policy = p
copy_extensions = copy
[ p ]
organizationName = supplied
commonName = supplied
CNF
  : > expired-index.txt
  echo 1000 > expired-serial
  openssl req -newkey rsa:2048 -nodes -keyout expired-server-key.pem -out expired.csr -subj "$subj/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
  openssl ca -batch -config expired-ca.cnf -cert ca.pem -keyfile ca-key.pem -startdate 20200101000000Z \
    -enddate 20200201000000Z -notext -in expired.csr -out expired-server-cert.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout client2-key.pem -out client2.csr -subj "$subj/CN=sluice other client" 2>/dev/null
  openssl x509 -req -in client2.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 -out client2-cert.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout other-client-key.pem -out other-client.csr -subj "$subj/CN=sluice client" 2>/dev/null
  openssl x509 -req -in other-client.csr -CA other-ca.pem -CAkey other-ca-key.pem -CAcreateserial -days 3650 \
    -out other-client-cert.pem 2>/dev/null
  chmod 644 ./*.pem
  touch .done-extra
}
[ -f .done ] && { extra; exit 0; }
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
extra
