#!/usr/bin/env bash
# Start one background worker and the web server; stop both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
mkdir -p var/broker var/broker-done var/log
.venv/bin/celery -A kaohe worker --beat --pool=solo --concurrency=1 --loglevel=INFO >var/log/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  Kaohe (考核) is running: http://127.0.0.1:${PORT}
  Demo logins (password Kaohe-Demo-2026):
    office     appraisal office (考核办), whole city
    leader     supervisor (主管领导) of one city bureau
    staff      civil servant (公务员), own record
    committee  appraisal committee (考核委员会)
    inspector  discipline inspection (纪检监察)
    sysadmin   system administrator (系统管理员)
    secadmin   security administrator (安全管理员)
    auditor    audit administrator (审计管理员)
  office, committee and the three administrators also need a one-time code:
    .venv/bin/python manage.py demo_otp office     (prints the current 6-digit code)
  Worker log: var/log/worker.log.  Stop with Ctrl-C.

MSG
# The access log leaves out the client address and user agent: citizens rate without a login, and their
# IP is kept only as a keyed hash (ratings.limits).
exec .venv/bin/gunicorn kaohe.config.wsgi --bind "127.0.0.1:${PORT}" --workers 2 --threads 4 \
  --access-logfile - --access-logformat '%(t)s "%(r)s" %(s)s %(b)s %(M)sms' --error-logfile -
