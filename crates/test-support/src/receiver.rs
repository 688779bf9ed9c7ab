//! A local endpoint that receives what the server posts (webhooks, chat announcements) and
//! keeps every request, failing the first ones when asked: the other end of a delivery.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use tokio::net::TcpListener;

/// One request received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its path.
    pub path: String,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: String,
    /// The status it was answered.
    pub answered: StatusCode,
}

#[derive(Default)]
struct Inbox {
    requests: Vec<Received>,
    failures_left: usize,
}

/// A receiver on a free port; it stops when dropped.
pub struct Receiver {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    inbox: Arc<Mutex<Inbox>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Starts a receiver that answers 500 to its first `failures` requests, then 204.
    pub async fn start(failures: usize) -> Receiver {
        let inbox = Arc::new(Mutex::new(Inbox {
            requests: Vec::new(),
            failures_left: failures,
        }));
        let app = Router::new().fallback(receive).with_state(inbox.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { base, inbox, task }
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().requests.clone()
    }

    /// The requests answered with success.
    pub fn accepted(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.answered.is_success())
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(
    State(inbox): State<Arc<Mutex<Inbox>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut inbox = inbox.lock().unwrap();
    let answered = if inbox.failures_left > 0 {
        inbox.failures_left -= 1;
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    };
    inbox.requests.push(Received {
        path: uri.path().to_owned(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        answered,
    });
    answered
}
