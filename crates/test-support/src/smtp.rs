//! A real SMTP server for the tests: aiosmtpd from PyPI (the test command installs it),
//! storing what it receives in a Maildir the tests read.

use std::path::PathBuf;
use std::process::Stdio;

use tokio::process::{Child, Command};

/// One email received.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The `To` header.
    pub to: String,
    /// The `Subject` header.
    pub subject: String,
    /// The `List-Unsubscribe` header, without its angle brackets.
    pub unsubscribe: Option<String>,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// aiosmtpd on a free port; stopped when dropped.
pub struct SmtpServer {
    /// `smtp://127.0.0.1:PORT`, for `--smtp-url`.
    pub url: String,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
    _child: Child,
}

impl SmtpServer {
    /// Starts it and waits (up to 20 s) until it listens.
    pub async fn start() -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 runs aiosmtpd (the test command installs it)");
        crate::listening(
            port,
            "aiosmtpd did not start: is it installed (`pip install aiosmtpd`)?",
        )
        .await;
        SmtpServer {
            url: format!("smtp://127.0.0.1:{port}"),
            maildir,
            _dir: dir,
            _child: child,
        }
    }

    /// Every email received so far, in the order received.
    pub fn mails(&self) -> Vec<Mail> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> =
            std::fs::read_dir(self.maildir.join("new"))
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .map(|e| (e.metadata().and_then(|m| m.modified()).unwrap(), e.path()))
                        .collect()
                })
                .unwrap_or_default();
        files.sort();
        files
            .into_iter()
            .map(|(_, path)| parse(&std::fs::read(path).unwrap()))
            .collect()
    }
}

fn parse(raw: &[u8]) -> Mail {
    let mail = mailparse::parse_mail(raw).expect("a well-formed email");
    let header = |name: &str| {
        mailparse::MailHeaderMap::get_first_value(mail.headers.as_slice(), name).unwrap_or_default()
    };
    let part = |kind: &str| {
        std::iter::once(&mail)
            .chain(mail.subparts.iter())
            .find(|p| p.ctype.mimetype == kind)
            .and_then(|p| p.get_body().ok())
            .unwrap_or_default()
    };
    Mail {
        to: header("To"),
        subject: header("Subject"),
        unsubscribe: mailparse::MailHeaderMap::get_first_value(
            mail.headers.as_slice(),
            "List-Unsubscribe",
        )
        .map(|v| {
            v.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        }),
        text: part("text/plain"),
        html: part("text/html"),
    }
}
