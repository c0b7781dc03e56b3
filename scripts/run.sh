#!/usr/bin/env bash
# Start the background worker/scheduler and the web app; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
BIN=.venv/bin

"$BIN/yunwei" qcluster &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT INT TERM

cat <<MSG

  运维服务管理平台 Yunwei 已启动： http://$HOST:$PORT/
  后台任务与计划任务进程：PID $WORKER（Django-Q2，${REDIS_URL:+Redis}${REDIS_URL:-数据库内置队列}）
  演示账号密码均为 Yunwei@2026：
$("$BIN/yunwei" demo --logins)

  按 Ctrl-C 停止。
MSG

"$BIN/gunicorn" yunwei.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 \
  --access-logfile - --error-logfile - &
WEB=$!
trap 'kill $WORKER $WEB 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
wait $WEB
