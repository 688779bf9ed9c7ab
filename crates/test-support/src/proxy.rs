//! nginx and Caddy from Debian in front of a server, configured with the snippets the
//! README shows (`deploy/`), as an operator would put them there.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::{Child, Command};

use crate::{free_port, listening};

/// A proxy process on a free port; killed when dropped.
pub struct Proxy {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    _process: Child,
    _dir: tempfile::TempDir,
}

/// A file of the repository's `deploy/` folder.
pub fn deploy_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy")
        .join(name)
}

fn snippet(name: &str, upstream_port: u16) -> String {
    std::fs::read_to_string(deploy_file(name))
        .unwrap_or_else(|e| panic!("deploy/{name}: {e}"))
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{upstream_port}"))
}

fn spawn(command: &mut Command, what: &str) -> Child {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what} ({e}); the test command installs it"))
}

impl Proxy {
    /// nginx with `deploy/nginx-proxy.conf` in its `location /`, in front of the server on
    /// `upstream_port`.
    pub async fn nginx(upstream_port: u16) -> Proxy {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().display().to_string();
        let port = free_port();
        std::fs::write(
            dir.path().join("asyncvoter-proxy.conf"),
            snippet("nginx-proxy.conf", upstream_port),
        )
        .unwrap();
        let config = format!(
            "pid {path}/nginx.pid;\n\
             daemon off;\n\
             worker_processes 1;\n\
             events {{}}\n\
             http {{\n\
               access_log off;\n\
               client_body_temp_path {path}/body;\n\
               proxy_temp_path {path}/proxy;\n\
               fastcgi_temp_path {path}/fastcgi;\n\
               uwsgi_temp_path {path}/uwsgi;\n\
               scgi_temp_path {path}/scgi;\n\
               server {{\n\
                 listen 127.0.0.1:{port};\n\
                 location / {{ include {path}/asyncvoter-proxy.conf; }}\n\
               }}\n\
             }}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), config).unwrap();
        let process = spawn(
            Command::new("nginx")
                .args(["-p", &path, "-e", &format!("{path}/error.log")])
                .args(["-c", &format!("{path}/nginx.conf")]),
            "nginx",
        );
        listening(port, "nginx did not start").await;
        Proxy {
            base: format!("http://127.0.0.1:{port}"),
            _process: process,
            _dir: dir,
        }
    }

    /// Caddy with `deploy/Caddyfile` (its site served over plain http here, and no admin
    /// endpoint), in front of the server on `upstream_port`.
    pub async fn caddy(upstream_port: u16) -> Proxy {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let site = snippet("Caddyfile", upstream_port)
            .replace("votes.example.com", &format!("http://127.0.0.1:{port}"));
        let config = dir.path().join("Caddyfile");
        std::fs::write(&config, format!("{{\n\tadmin off\n}}\n\n{site}")).unwrap();
        let process = spawn(
            Command::new("caddy")
                .args(["run", "--adapter", "caddyfile", "--config"])
                .arg(&config)
                .env("HOME", dir.path())
                .env("XDG_DATA_HOME", dir.path())
                .env("XDG_CONFIG_HOME", dir.path()),
            "caddy",
        );
        listening(port, "Caddy did not start").await;
        Proxy {
            base: format!("http://127.0.0.1:{port}"),
            _process: process,
            _dir: dir,
        }
    }
}
