#!/usr/bin/env bash
# A learner's first my-cni-demo: it answers VERSION and claims an address on
# ADD without configuring anything, and has no error handling. The lab's
# conformance battery must fail it and say why.
case "$CNI_COMMAND" in
VERSION)
  echo '{"cniVersion":"0.3.1","supportedVersions":["0.3.0","0.3.1"]}' ;;
ADD)
  cat >/dev/null
  echo '{"cniVersion":"0.3.1","interfaces":[{"name":"eth0","sandbox":"'"$CNI_NETNS"'"}],"ips":[{"version":"4","address":"10.240.0.9/24","gateway":"10.240.0.1","interface":0}],"routes":[{"dst":"0.0.0.0/0"}]}' ;;
DEL)
  exit 0 ;;
esac
