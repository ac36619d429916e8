# Differential campaign (short form): generated cases per tool, ours inactive
# against GNU coreutils 9.1, and staged by nobody against GNU as root. The
# long form is scripts/campaign (10,000 cases per tool).
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/differential.bash"
umask 022
N=${CAMPAIGN_CASES:-40}
SEED=${CAMPAIGN_SEED:-14}
for tool in ${CAMPAIGN_TOOLS:-install mkdir ln chmod chown chgrp}; do
  campaign "$tool" "$N" "$SEED"
done
done_testing
