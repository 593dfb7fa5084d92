#!/bin/bash
# One charon (strongSwan 5.9, kernel-libipsec) in network namespace ckB at 2001:db8:2::2, our IKEv1
# peer in ckA at 2001:db8:2::1 over a veth pair; a tunnel-mode child between 2001:db8:c::/64 (ours)
# and 2001:db8:d::/64 (charon's). IKEv1 Main Mode with a pre-shared key.
# Usage: charon-up.sh DIR IKE_PROPOSAL ESP_PROPOSAL [ENCAP yes|no: force NAT-T] [AGGRESSIVE yes|no]. Stop with charon-down.sh DIR.
set -e
D="$1"; IKE="$2"; ESP="$3"; ENCAP="${4:-no}"; AGGRESSIVE="${5:-no}"
ip netns del ckA 2>/dev/null || true; ip netns del ckB 2>/dev/null || true
ip netns add ckA; ip netns add ckB
ip link del ckvA 2>/dev/null || true
ip link add ckvA type veth peer name ckvB
ip link set ckvA netns ckA; ip link set ckvB netns ckB
for n in A B; do ip netns exec ck$n ip link set lo up; ip netns exec ck$n ip link set ckv$n up; done
ip netns exec ckA ip -6 addr add 2001:db8:2::1/64 dev ckvA nodad
ip netns exec ckB ip -6 addr add 2001:db8:2::2/64 dev ckvB nodad
ip netns exec ckB ip -6 addr add 2001:db8:d::1/128 dev lo
for i in $(seq 1 50); do ip netns exec ckA ping -6 -c1 -W1 2001:db8:2::2 >/dev/null 2>&1 && break; sleep 0.1; done
mkdir -p $D/run
cat > $D/strongswan.conf <<EOC
charon {
  load_modular = no
  i_dont_care_about_security_and_use_aggressive_mode_psk = $AGGRESSIVE
  load = random nonce openssl gmp aes sha1 sha2 md5 hmac gcm ctr kdf pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici
  plugins {
    vici { socket = unix://$D/charon.vici }
    kernel-libipsec { allow_peer_ts = yes }
  }
  filelog {
    log { path = $D/charon.log
      default = 1
      ike = 4
      chd = 2
      esp = 3
      flush_line = yes
    }
  }
}
EOC
cat > $D/swanctl.conf <<EOC
connections {
  ours {
    version = 1
    encap = $ENCAP
    aggressive = $AGGRESSIVE
    local_addrs = 2001:db8:2::2
    remote_addrs = 2001:db8:2::1
    proposals = $IKE
    local { auth = psk
      id = 2001:db8:2::2 }
    remote { auth = psk
      id = 2001:db8:2::1 }
    children {
      net {
        mode = tunnel
        local_ts = 2001:db8:d::/64
        remote_ts = 2001:db8:c::/64
        esp_proposals = $ESP
        start_action = none
        rekey_time = 0
      }
    }
    rekey_time = 0
  }
}
secrets {
  ike { secret = conduits-ikev1-psk
    id-1 = 2001:db8:2::1
    id-2 = 2001:db8:2::2 }
}
EOC
rm -f $D/charon.log
ip netns exec ckB sh -c "mount --bind $D/run /run && STRONGSWAN_CONF=$D/strongswan.conf exec /usr/lib/ipsec/charon" > $D/stdout 2>&1 &
echo $! > $D/pid
for i in $(seq 1 50); do [ -S $D/charon.vici ] && break; sleep 0.1; done
ip netns exec ckB swanctl --load-all --file $D/swanctl.conf --uri unix://$D/charon.vici > /dev/null
