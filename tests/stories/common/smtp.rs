//! Real SMTP servers on loopback for the mail stories: Debian's aiosmtpd writing what it receives
//! to a maildir, and a server that accepts connections and then never says a word.

use std::{
    net::{TcpListener, TcpStream},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// aiosmtpd, delivering into a maildir of its own; stopped when dropped.
pub struct SmtpSink {
    pub port: u16,
    maildir: PathBuf,
    child: Child,
}

/// A delivered message, as Python's `email` package reads it (headers decoded).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Delivered {
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
}

impl SmtpSink {
    pub fn start() -> Self {
        let port = free_port();
        let maildir = super::scratch_dir("maildir").join("inbox");
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd (scripts/setup test installs python3-aiosmtpd)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start listening on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { port, maildir, child }
    }

    /// Every message delivered so far, oldest first.
    pub fn delivered(&self) -> Vec<Delivered> {
        let script = r#"
import email, email.policy, json, mailbox, sys
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
out = []
for key in box.keys():
    with box.get_file(key) as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    text = m.get_body(preferencelist=('plain',))
    html = m.get_body(preferencelist=('html',))
    out.append({"to": str(m["To"]), "subject": str(m["Subject"]), "message_id": str(m["Message-ID"]),
                "text": text.get_content() if text else "", "html": html.get_content() if html else ""})
print(json.dumps(out))
"#;
        if !self.maildir.join("new").exists() {
            return Vec::new();
        }
        let output = Command::new("/usr/bin/python3").args(["-c", script]).arg(&self.maildir).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).unwrap()
    }

    /// Waits (at most 30 s) until at least `count` messages arrived, and returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Delivered> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let delivered = self.delivered();
            if delivered.len() >= count {
                return delivered;
            }
            assert!(Instant::now() < deadline, "{count} messages never arrived; got {delivered:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server that accepts every connection and then never answers (a mail server that hangs).
/// Returns its port; it listens until the test process ends.
pub fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    port
}

/// A port nothing listens on (a mail server that is down).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
