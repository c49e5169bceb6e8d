"""The nginx template renders into a config with stickiness, websockets, limits and compression."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from deploy import cluster


def settings(tmp_path: Path, **kwargs) -> cluster.NginxSettings:
    values = {
        "listen_port": 8080,
        "replica_ports": [8601, 8602, 8603],
        "run_dir": tmp_path,
        "static_root": tmp_path / "static-root",
        "app_static_root": tmp_path / "app-static",
    }
    return cluster.NginxSettings(**(values | kwargs))


def server_block(conf: str, name: str) -> str:
    match = re.search(r"location " + re.escape(name) + r" \{(.*?)\n        \}", conf, re.S)
    assert match, f"no location {name}"
    return match.group(1)


def test_every_placeholder_is_filled_and_nginx_variables_survive(tmp_path):
    conf = cluster.render_config(settings(tmp_path))
    assert "${" not in conf
    assert "$remote_addr" in conf and "$http_upgrade" in conf and "$cookie_ksg_replica" in conf
    assert "listen 127.0.0.1:8080" in conf


def test_upstream_is_sticky_by_cookie_with_passive_health_checks(tmp_path):
    conf = cluster.render_config(settings(tmp_path))
    upstream = re.search(r"upstream ksg_replicas \{(.*?)\}", conf, re.S).group(1)
    assert "hash $ksg_sticky consistent;" in upstream
    for port in (8601, 8602, 8603):
        assert f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" in upstream
    assert "ip_hash;" not in conf
    assert "add_header Set-Cookie $ksg_set_cookie always;" in conf
    for i, port in enumerate((8601, 8602, 8603)):
        health = server_block(conf, f"= /healthz/replica/{i}")
        assert f"proxy_pass http://127.0.0.1:{port}/_stcore/health;" in health
    assert "/_stcore/health" in server_block(conf, "= /healthz")


def test_websocket_location_upgrades_and_keeps_host(tmp_path):
    stream = server_block(cluster.render_config(settings(tmp_path)), "/_stcore/stream")
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $connection_upgrade;" in stream
    assert "proxy_set_header Host $http_host;" in stream, "Streamlit checks Origin against Host"
    assert "proxy_read_timeout 1h;" in stream and "proxy_buffering off;" in stream


def test_upload_limit_and_compression(tmp_path):
    conf = cluster.render_config(settings(tmp_path))
    assert "client_max_body_size 5m;" in conf
    assert "gzip on;" in conf
    types = re.search(r"gzip_types ([^;]*);", conf).group(1).split()
    assert {"application/javascript", "text/css", "application/json"} <= set(types)
    static = server_block(conf, "/static/")
    assert f"root {tmp_path / 'static-root'};" in static and "gzip_static on;" in static
    assert (
        "brotli on;" not in conf and "brotli_static on;" not in conf and "load_module" not in conf
    )


def test_brotli_only_when_the_modules_are_there(tmp_path):
    conf = cluster.render_config(settings(tmp_path, brotli=True, modules_dir=Path("/mods")))
    assert "load_module /mods/ngx_http_brotli_filter_module.so;" in conf
    assert "load_module /mods/ngx_http_brotli_static_module.so;" in conf
    assert "brotli on;" in conf and "brotli_static on;" in server_block(conf, "/static/")


def test_a_cluster_needs_replicas(tmp_path):
    with pytest.raises(ValueError):
        cluster.render_config(settings(tmp_path, replica_ports=[]))


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx not installed (make nginx)")
def test_nginx_accepts_the_rendered_config(tmp_path):
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / sub).mkdir(parents=True)
    conf = tmp_path / "nginx.conf"
    conf.write_text(cluster.render_config(settings(tmp_path, brotli=cluster.brotli_available())))
    check = subprocess.run(
        ["nginx", "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def test_map_layers_are_immutable_and_fall_back_to_a_replica(tmp_path):
    layers = server_block(cluster.render_config(settings(tmp_path)), "/app/static/layers/")
    assert f"alias {tmp_path / 'app-static'}/layers/;" in layers
    assert "expires 1y;" in layers and 'add_header Cache-Control "public, immutable";' in layers
    assert "error_page 404 = @replica;" in layers
