#!/bin/bash
# Two charons (strongSwan 5.9, kernel-libipsec) in network namespaces TAG-A and TAG-B (TAG: unique
# per run, so that runs on one machine never touch each other's namespaces and links), IKEv2 with
# PSK, a tunnel-mode child between 2001:db8:a::/64 and 2001:db8:b::/64 over 2001:db8:1::/64 (NAT-T
# forced by kernel-libipsec: ESP in UDP 4500). Usage: strongswan-up.sh DIR [TAG]; TAG defaults to cd.
set -e
D="$1"
T="${2:-cd}"
ip netns del ${T}A 2>/dev/null || true; ip netns del ${T}B 2>/dev/null || true
ip netns add ${T}A; ip netns add ${T}B
ip link del ${T}vA 2>/dev/null || true
ip link add ${T}vA type veth peer name ${T}vB
ip link set ${T}vA netns ${T}A; ip link set ${T}vB netns ${T}B
for n in A B; do ip netns exec ${T}$n ip link set lo up; ip netns exec ${T}$n ip link set ${T}v$n up; done
ip netns exec ${T}A ip -6 addr add 2001:db8:1::1/64 dev ${T}vA nodad
ip netns exec ${T}B ip -6 addr add 2001:db8:1::2/64 dev ${T}vB nodad
ip netns exec ${T}A ip -6 addr add 2001:db8:a::1/128 dev lo
ip netns exec ${T}B ip -6 addr add 2001:db8:b::1/128 dev lo
for n in A B; do
  mkdir -p $D/$n/run
  if [ $n = A ]; then me=2001:db8:1::1; peer=2001:db8:1::2; lts=2001:db8:a::/64; rts=2001:db8:b::/64; else me=2001:db8:1::2; peer=2001:db8:1::1; lts=2001:db8:b::/64; rts=2001:db8:a::/64; fi
  cat > $D/$n/strongswan.conf <<EOC
charon {
  load_modular = no
  load = random nonce openssl gmp aes sha1 sha2 md5 hmac gcm ccm ctr xcbc cmac chapoly curve25519 kdf pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici
  plugins {
    vici { socket = unix://$D/$n/charon.vici }
    kernel-libipsec { allow_peer_ts = yes }
  }
  filelog {
    log { path = $D/$n/charon.log
      default = 1
      ike = 4
      chd = 4
      esp = 1
      flush_line = yes
    }
  }
}
EOC
  cat > $D/$n/swanctl.conf <<EOC
connections {
  site {
    version = 2
    encap = yes
    local_addrs = $me
    remote_addrs = $peer
    proposals = aes128-sha256-x25519
    local { auth = psk
      id = $me }
    remote { auth = psk
      id = $peer }
    children {
      net {
        mode = tunnel
        local_ts = $lts
        remote_ts = $rts
        esp_proposals = aes128gcm16
        start_action = none
        rekey_time = 0
      }
    }
    rekey_time = 0
  }
}
secrets {
  ike { secret = conduits-interop-psk
    id-1 = 2001:db8:1::1
    id-2 = 2001:db8:1::2 }
}
EOC
  rm -f $D/$n/charon.log
  ip netns exec ${T}$n sh -c "mount --bind $D/$n/run /run && STRONGSWAN_CONF=$D/$n/strongswan.conf exec /usr/lib/ipsec/charon" > $D/$n/stdout 2>&1 &
  echo $! > $D/$n/pid
done
for n in A B; do for i in $(seq 1 50); do [ -S $D/$n/charon.vici ] && break; sleep 0.1; done; done
# swanctl looks for credentials in these folders next to its configuration and warns about each missing one.
for n in A B; do mkdir -p $D/$n/x509 $D/$n/x509ca $D/$n/x509ocsp $D/$n/x509aa $D/$n/x509ac $D/$n/x509crl $D/$n/pubkey $D/$n/private $D/$n/rsa $D/$n/ecdsa $D/$n/bliss $D/$n/pkcs8 $D/$n/pkcs12; done
for n in A B; do ip netns exec ${T}$n swanctl --load-all --file $D/$n/swanctl.conf --uri unix://$D/$n/charon.vici > /dev/null; done
ip netns exec ${T}A swanctl --initiate --ike site --child net --uri unix://$D/A/charon.vici 2>&1 | tail -3
