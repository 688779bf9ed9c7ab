//! [`Task`]: a call the visitor starts (a form, a button) — whether it runs and how it
//! ended. Lighter than `Action` (measured: a smaller wasm), and it runs its follow-up
//! directly instead of through an effect watching a value.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;

/// A visitor-started call and its outcome.
#[derive(Debug)]
pub struct Task<T: Send + Sync + 'static> {
    pending: RwSignal<bool>,
    outcome: RwSignal<Option<Result<T, ApiError>>>,
}

impl<T: Send + Sync + 'static> Clone for Task<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Task<T> {}

impl<T: Clone + Send + Sync + 'static> Task<T> {
    /// A task that has not run.
    pub fn new() -> Self {
        Task {
            pending: RwSignal::new(false),
            outcome: RwSignal::new(None),
        }
    }

    /// Runs `call` unless it already runs; on success hands the answer to `then` before
    /// recording it.
    pub fn run(
        &self,
        call: impl Future<Output = Result<T, ApiError>> + 'static,
        then: impl FnOnce(&T) + 'static,
    ) {
        self.run_boxed(Box::pin(call), Box::new(then));
    }

    // Boxed, so each answer type has one copy of this code rather than one per call site
    // (measured: a smaller wasm).
    #[inline(never)]
    fn run_boxed(
        &self,
        call: Pin<Box<dyn Future<Output = Result<T, ApiError>>>>,
        then: Box<dyn FnOnce(&T)>,
    ) {
        if self.pending.get_untracked() {
            return;
        }
        self.pending.set(true);
        self.outcome.set(None);
        let task = *self;
        spawn_local(async move {
            let outcome = call.await;
            if let Ok(value) = &outcome {
                then(value);
            }
            task.outcome.set(Some(outcome));
            task.pending.set(false);
        });
    }

    /// Clears a failure shown (a call that failed for a reason now gone).
    pub fn forget_failure(&self) {
        if self.outcome.with_untracked(|o| matches!(o, Some(Err(_)))) {
            self.outcome.set(None);
        }
    }

    /// True while the call runs.
    pub fn pending(&self) -> bool {
        self.pending.get()
    }

    /// The last answer, if it succeeded (tracked).
    pub fn value(&self) -> Option<T> {
        self.outcome.get().and_then(Result::ok)
    }

    /// What went wrong the last time, in words (tracked).
    pub fn error(&self) -> Option<String> {
        self.outcome
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    }
}

impl<T: Clone + Send + Sync + 'static> Default for Task<T> {
    fn default() -> Self {
        Task::new()
    }
}
