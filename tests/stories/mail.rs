//! E-mail about orders, delivered by the job queue to a real SMTP server (aiosmtpd on loopback):
//! in the shopper's language, with every stored text escaped in the HTML; retried while the
//! server is down or hangs, and sent once; written to the outbox without a server; and taken
//! over from a `tienda worker` process killed with SIGKILL in the middle of sending.

use crate::common::{
    api::{self, admin_token, customer_token, Answer},
    smtp::{self, SmtpSink},
    spawn_seeded, Backend, TestApp,
};
use crate::jobs::{env_with, fast, wait_for_state};
use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tienda::model::jobs::JobState;
use tienda::server::{config::Config, config::SmtpTls, db::jobs as queue, db::with_pool, jobs};

on_both_backends!(
    an_order_is_confirmed_in_the_shoppers_language_and_its_pickup_announced,
    a_mail_server_that_is_down_or_hangs_delays_the_mail_which_then_arrives_once,
    without_a_mail_server_mail_is_written_to_the_outbox,
    a_worker_killed_while_sending_loses_the_job_to_another_which_sends_it_once,
);

/// `app`'s settings, sending through the SMTP server on `port`.
fn smtp_config(app: &TestApp, port: u16) -> Config {
    let mut config = app.config.clone();
    config.mail.smtp_host = "127.0.0.1".into();
    config.mail.smtp_port = port;
    config.mail.smtp_tls = SmtpTls::None;
    config.mail.from = "Tienda <pedidos@tienda.test>".into();
    config
}

fn start_workers(app: &TestApp, config: Config) -> jobs::Workers {
    jobs::worker::start(env_with(app, config), jobs::kinds::registry(), Vec::new(), fast(2))
}

/// Places an order of product 1 for pickup as the demo customer, asking in `language`.
pub async fn place_order(app: &TestApp, language: &str, key: &str) -> i64 {
    let token = customer_token(app).await;
    let body = serde_json::json!({
        "lines": [{"productId": 1, "quantity": 2}],
        "fulfilment": "pickup",
        "paymentMethod": "pay_at_pickup",
        "recipient": "Jhon Doe",
        "phone": "+57 300 123 4567",
        "storeId": 1,
    });
    let request = api::client()
        .post(api::url(app, "/orders"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .header("Accept-Language", language)
        .json(&body);
    let answer: Answer = api::send(request).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    answer.body["id"].as_i64().unwrap()
}

/// The id of the job that sends the mail about `event` on order `order_id`.
async fn mail_job(app: &TestApp, order_id: i64, event: &str) -> i64 {
    let jobs = queue::list(&app.db, None, None, 100).await.unwrap();
    let payload = serde_json::json!({ "order_id": order_id, "event": event }).to_string();
    jobs.iter().find(|job| job.kind == "order_email" && job.payload == payload).expect("the mail job was queued").id
}

async fn set_title(app: &TestApp, product_id: i64, title: &str) {
    let sql = "UPDATE products SET title = $1, stock = 50 WHERE id = $2";
    with_pool!(app.db.writer(), pool => sqlx::query(sql).bind(title).bind(product_id).execute(pool).await.map(|_| ()))
        .unwrap();
}

async fn an_order_is_confirmed_in_the_shoppers_language_and_its_pickup_announced(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let sink = SmtpSink::start();
    set_title(&app, 1, "Taza <b>\"Café\" & Té</b>").await;
    let workers = start_workers(&app, smtp_config(&app, sink.port));
    let order = place_order(&app, "es-MX,es;q=0.9", "mail-1").await;

    let confirmation = sink.wait_for(1).await.remove(0);
    assert!(confirmation.to.contains("john@mail.com"), "{confirmation:?}");
    assert_eq!(confirmation.subject, format!("Tu pedido n.º {order} está hecho"));
    assert!(confirmation.text.contains("2 × Taza <b>\"Café\" & Té</b>"), "{}", confirmation.text);
    assert!(confirmation.text.contains("Recogida en"), "{}", confirmation.text);
    assert!(confirmation.text.contains(&format!("http://tienda.test/account/orders/{order}")), "{}", confirmation.text);
    assert!(confirmation.html.contains("Taza &lt;b&gt;&quot;Café&quot; &amp; Té&lt;/b&gt;"), "{}", confirmation.html);
    assert!(!confirmation.html.contains("<b>"), "stored text never becomes markup: {}", confirmation.html);
    wait_for_state(&app, mail_job(&app, order, "placed").await, JobState::Done).await;

    let admin = admin_token(&app).await;
    for status in ["confirmed", "ready_for_pickup"] {
        let path = format!("/orders/{order}");
        let answer =
            api::call(&app, reqwest::Method::PATCH, &path, Some(&admin), Some(serde_json::json!({ "status": status })))
                .await;
        assert_eq!(answer.status, 200, "{status}: {}", answer.body);
    }
    let delivered = sink.wait_for(2).await;
    // A maildir keeps no order: find it by its subject.
    let ready_subject = format!("Tu pedido n.º {order} está listo para recoger");
    let ready = delivered.iter().find(|m| m.subject == ready_subject).expect("the pickup mail arrived");
    assert!(ready.text.contains("Tu pedido te espera en"), "{}", ready.text);
    assert_ne!(ready.message_id, confirmation.message_id);
    wait_for_state(&app, mail_job(&app, order, "ready_for_pickup").await, JobState::Done).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    workers.stop().await;
    assert_eq!(sink.delivered().len(), 2, "confirming an order sends nothing; nothing is sent twice");
}

async fn a_mail_server_that_is_down_or_hangs_delays_the_mail_which_then_arrives_once(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let order = place_order(&app, "en", "mail-2").await;
    let job = mail_job(&app, order, "placed").await;

    // The server is down: the attempt fails at once and waits for a retry.
    let workers = start_workers(&app, smtp_config(&app, smtp::free_port()));
    let failed = wait_for_attempts(&app, job, 2).await;
    workers.stop().await;
    assert!(failed.last_error.as_deref().unwrap_or_default().starts_with("the mail server"), "{failed:?}");

    // The server accepts the connection and never answers: the send gives up after its timeout.
    let mut hanging = smtp_config(&app, smtp::silent_server());
    hanging.mail.send_timeout_secs = 1;
    let started = Instant::now();
    let workers = start_workers(&app, hanging);
    let hung = wait_for_attempts(&app, job, failed.attempts + 1).await;
    workers.stop().await;
    assert!(started.elapsed() < Duration::from_secs(15), "a hanging server holds a worker no longer than the timeout");
    assert_eq!(hung.state(), Some(JobState::Queued), "{hung:?}");

    let sink = SmtpSink::start();
    let workers = start_workers(&app, smtp_config(&app, sink.port));
    wait_for_state(&app, job, JobState::Done).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    workers.stop().await;
    let delivered = sink.delivered();
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0].subject, format!("Your order #{order} is placed"));
}

/// Waits until the job has finished at least `attempts` attempts (it is queued or finished).
async fn wait_for_attempts(app: &TestApp, id: i64, attempts: i64) -> queue::JobRow {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let row = queue::find(&app.db, id).await.unwrap().unwrap();
        if row.attempts >= attempts && row.state() != Some(JobState::Running) {
            return row;
        }
        assert!(Instant::now() < deadline, "job {id} never reached {attempts} attempts: {row:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn without_a_mail_server_mail_is_written_to_the_outbox(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let workers = start_workers(&app, app.config.clone());
    let order = place_order(&app, "en", "mail-3").await;
    wait_for_state(&app, mail_job(&app, order, "placed").await, JobState::Done).await;
    workers.stop().await;
    let files: Vec<_> = std::fs::read_dir(&app.config.mail.outbox_dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "one message, no partial file left: {files:?}");
    assert_eq!(files[0].extension().unwrap(), "eml");
    let message = std::fs::read_to_string(&files[0]).unwrap();
    assert!(message.contains(&format!("Subject: Your order #{order} is placed")), "{message}");
    assert!(message.contains("To: \"John\" <john@mail.com>") || message.contains("john@mail.com"), "{message}");
}

/// `tienda worker` as an operator runs it, over `app`'s database, sending through `smtp_port`.
fn worker_process(app: &TestApp, smtp_port: u16) -> Child {
    let dir = crate::common::scratch_dir("worker");
    Command::new(env!("CARGO_BIN_EXE_tienda"))
        .arg("worker")
        .env("TIENDA_CONFIG", dir.join("absent.toml"))
        .env("DATABASE_URL", &app.config.database.url)
        .env("TIENDA_MODE", "demo")
        .env("TIENDA_MEDIA_DIR", &app.config.media.dir)
        .env("TIENDA_LOG", "error")
        .env("TIENDA_SMTP_HOST", "127.0.0.1")
        .env("TIENDA_SMTP_PORT", smtp_port.to_string())
        .env("TIENDA_SMTP_TLS", "none")
        .env("TIENDA_JOB_WORKERS", "1")
        .env("TIENDA_JOB_POLL_MS", "100")
        .env("TIENDA_JOB_LEASE_SECS", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run tienda worker")
}

async fn a_worker_killed_while_sending_loses_the_job_to_another_which_sends_it_once(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let sink = SmtpSink::start();
    // The first worker's mail server never answers, so it is surely in the middle of the job.
    let mut doomed = worker_process(&app, smtp::silent_server());
    let order = place_order(&app, "en", "mail-4").await;
    let job = mail_job(&app, order, "placed").await;
    let running = wait_for_state(&app, job, JobState::Running).await;
    assert_eq!(running.attempts, 1);
    doomed.kill().unwrap(); // SIGKILL: no chance to hand the job back
    doomed.wait().unwrap();

    let mut rescuer = worker_process(&app, sink.port);
    let done = wait_for_state(&app, job, JobState::Done).await;
    assert_eq!(done.attempts, 2, "taken over once its lease ran out");
    let delivered = sink.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.delivered().len(), 1, "{delivered:?}");

    // SIGTERM: the worker stops claiming and exits cleanly.
    let status = Command::new("kill").args(["-TERM", &rescuer.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = rescuer.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "tienda worker did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit:?}");
}
