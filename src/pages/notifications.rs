use std::time::Duration;

use asyncvoter_wire::{CreatedWebhook, Delivery, EventKind, NewWebhook, Webhook};
use leptos::prelude::*;

use crate::api;
use crate::clock::use_now;
use crate::components::{Checkbox, ErrorView, Loading, SecretOnce, loaded};
use crate::fetch::Fetch;
use crate::pages::admin::{AdminNav, admins_only};
use crate::task::Task;
use crate::{routes, time};

/// How often a log with deliveries still on their way is asked again.
const WHILE_PENDING: Duration = Duration::from_secs(2);

/// `/admin/notifications`: the webhooks changes are sent to (register, try, follow,
/// remove), and every notification sent, failures with their last error.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    view! {
        <div class="page-head">
            <h1>"Notifications"</h1>
            <p class="lede">"Where changes are sent, and what was sent. Values travel only after a reveal."</p>
        </div>
        <AdminNav />
        {admins_only("manage notifications", || {
            // Bumped when a delivery log changes: the counts and what was sent follow it.
            let changed = RwSignal::new(0u32);
            view! { <Webhooks changed /> <Sent changed /> }.into_any()
        })}
    }
}

/// The webhooks: each with its actions, then a form to add one.
#[component]
fn Webhooks(changed: RwSignal<u32>) -> impl IntoView {
    let hooks = Fetch::new(api::webhooks);
    Effect::new(move |first: Option<()>| {
        changed.track();
        if first.is_some() {
            hooks.refetch();
        }
    });
    let reload = Callback::new(move |_| hooks.refetch());
    // The list is built again only when webhooks come or go (an open log stays open);
    // each item's counts follow every answer.
    let ids = Memo::new(move |_| {
        hooks.with(|answer| {
            answer.as_ref().map(|listed| {
                listed
                    .as_ref()
                    .map(|hooks| hooks.iter().map(|h| h.id.clone()).collect::<Vec<_>>())
                    .map_err(ToString::to_string)
            })
        })
    });
    view! {
        <section class="panel" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">"Webhooks"</h2>
            <p class="muted">
                "Each change is POSTed as JSON, signed the Standard Webhooks way (headers "
                <code>"webhook-id"</code>", "<code>"webhook-timestamp"</code>", "<code>"webhook-signature"</code>
                "), retried with backoff for a day."
            </p>
            {move || match ids.get() {
                None => view! { <Loading label="Loading webhooks…" /> }.into_any(),
                Some(Err(message)) => view! { <ErrorView message retry=reload /> }.into_any(),
                Some(Ok(ids)) if ids.is_empty() => view! { <p class="empty" role="status">"No webhooks yet."</p> }.into_any(),
                Some(Ok(ids)) => view! {
                    <ul class="webhooks">
                        {ids.into_iter().map(|id| view! { <WebhookItem id hooks changed on_removed=reload /> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
            <AddWebhook on_added=reload />
        </section>
    }
}

/// Registering a webhook; its secret is shown once, with a copy button.
#[component]
fn AddWebhook(on_added: Callback<()>) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let project = RwSignal::new(String::new());
    let every_change = RwSignal::new(true);
    let kinds = RwSignal::new(Vec::<&'static str>::new());
    let add = Task::<CreatedWebhook>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let events = if every_change.get() {
            vec!["*".to_owned()]
        } else {
            kinds.get().into_iter().map(str::to_owned).collect()
        };
        let webhook = NewWebhook {
            url: url.get().trim().to_owned(),
            events: Some(events),
            project: Some(project.get().trim().to_owned()).filter(|p| !p.is_empty()),
        };
        add.run(async move { api::add_webhook(&webhook).await }, move |_| {
            url.set(String::new());
            project.set(String::new());
            on_added.run(());
        });
    };
    view! {
        {move || add.value().map(|created| view! {
            <SecretOnce title=format!("Added {}.", created.webhook.url) secret=created.secret what="signing secret" />
        })}
        <form class="form form--inset" on:submit=submit>
            <h3>"Add a webhook"</h3>
            <div class="form__row">
                <label class="field">
                    <span class="field__label">"Endpoint URL"</span>
                    <input type="url" name="webhook_url" required placeholder="https://ci.example.com/hooks/estimates" bind:value=url />
                </label>
                <label class="field">
                    <span class="field__label">"Only project (optional)"</span>
                    <input name="webhook_project" maxlength="100" bind:value=project />
                </label>
            </div>
            <fieldset class="choices">
                <legend class="field__label">"Changes it receives"</legend>
                <Checkbox name="every_change" checked=every_change label="Every change" />
                {move || (!every_change.get()).then(|| view! { <EventChoice kinds /> })}
            </fieldset>
            {move || add.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="submit" class="button" disabled=move || add.pending()>"Add webhook"</button>
        </form>
    }
}

/// One checkbox per kind of change.
#[component]
fn EventChoice(kinds: RwSignal<Vec<&'static str>>) -> impl IntoView {
    EventKind::ALL
        .into_iter()
        .map(|kind| {
            let name = kind.as_str();
            view! {
                <label class="checkbox">
                    <input
                        type="checkbox"
                        name="event"
                        value=name
                        prop:checked=move || kinds.with(|k| k.contains(&name))
                        on:change=move |_| kinds.update(|k| match k.iter().position(|n| *n == name) {
                            Some(at) => { k.remove(at); }
                            None => k.push(name),
                        })
                    />
                    " " <code>{name}</code>
                </label>
            }
        })
        .collect_view()
}

/// One webhook: where it goes, what it gets, how it went, and its actions.
#[component]
fn WebhookItem(
    id: String,
    hooks: Fetch<Vec<Webhook>>,
    changed: RwSignal<u32>,
    on_removed: Callback<()>,
) -> impl IntoView {
    let now = use_now();
    let find = {
        let id = id.clone();
        move |hooks: &Option<Result<Vec<Webhook>, api::ApiError>>| {
            hooks
                .as_ref()?
                .as_ref()
                .ok()?
                .iter()
                .find(|h| h.id == id)
                .cloned()
        }
    };
    let hook = untrack(|| hooks.with(find.clone()))?;
    let id = StoredValue::new(id);
    let log_open = RwSignal::new(false);
    let test = Task::<()>::new();
    let remove = Task::<()>::new();
    let confirming = RwSignal::new(false);
    // Bumped to make an open log ask again.
    let asked = RwSignal::new(0u32);
    let events = if hook.events.iter().any(|e| e == "*") {
        "Every change".to_owned()
    } else {
        hook.events.join(", ")
    };
    let created = hook.created_at;
    let counts = Memo::new(move |_| {
        hooks
            .with(find.clone())
            .map_or((0, 0), |hook| (hook.delivered, hook.failed))
    });
    let failing = move || counts.get().1 != 0;
    let counts_text = move || match counts.get() {
        (delivered, 0) => format!("{delivered} delivered"),
        (delivered, failed) => format!("{delivered} delivered · {failed} failed"),
    };
    Some(view! {
        <li class="webhook" data-webhook-id=hook.id.clone()>
            <p class="webhook__head">
                <code class="webhook__url">{hook.url.clone()}</code>
                {hook.project.clone().map(|project| view! { <span class="chip">{project}</span> })}
            </p>
            <p class="webhook__meta muted">
                <span>{events}</span>
                <span class:webhook__failed=failing>{counts_text}</span>
                <span>"Added " <time datetime=time::iso(created) title=time::exact(created)>{move || time::ago(created, now.get())}</time></span>
            </p>
            <div class="webhook__actions">
                <button type="button" class="button button--small button--quiet" disabled=move || test.pending()
                    on:click=move |_| test.run(async move { api::test_webhook(&id.get_value()).await }, move |()| {
                        log_open.set(true);
                        asked.update(|n| *n += 1);
                    })>
                    "Send test"
                </button>
                <button type="button" class="button button--small button--quiet" aria-expanded=move || log_open.get().to_string()
                    on:click=move |_| log_open.update(|open| *open = !*open)>
                    {move || if log_open.get() { "Hide deliveries" } else { "Deliveries" }}
                </button>
                {move || if confirming.get() {
                    view! {
                        <span class="webhook__confirm">
                            "Remove this webhook? "
                            <button type="button" class="button button--small button--danger" disabled=move || remove.pending()
                                on:click=move |_| remove.run(async move { api::remove_webhook(&id.get_value()).await }, move |()| on_removed.run(()))>
                                "Remove"
                            </button>
                            <button type="button" class="link-button" on:click=move |_| confirming.set(false)>"Keep it"</button>
                        </span>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="button button--small button--quiet" on:click=move |_| confirming.set(true)>"Remove…"</button>
                    }.into_any()
                }}
            </div>
            {move || test.value().map(|()| view! { <p class="confirmation" role="status">"A test ping is on its way; it shows in the deliveries."</p> })}
            {move || test.error().or_else(|| remove.error()).map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            {move || log_open.get().then(|| view! { <WebhookLog id=id.get_value() asked changed /> })}
        </li>
    })
}

/// A webhook's latest deliveries, asked again while any is on its way; a change bumps
/// `changed`.
#[component]
fn WebhookLog(id: String, asked: RwSignal<u32>, changed: RwSignal<u32>) -> impl IntoView {
    let log = Fetch::new(move || {
        asked.track();
        let id = id.clone();
        async move { api::webhook_deliveries(&id).await }
    });
    ask_again_while_pending(log);
    Effect::new(move |before: Option<Option<Vec<Delivery>>>| {
        let now = log.get().and_then(Result::ok);
        if before.is_some_and(|before| before != now) {
            changed.update(|n| *n += 1);
        }
        now
    });
    let retry = Callback::new(move |_| log.refetch());
    loaded(log, "Loading deliveries…", retry, |answer| {
        answer.map(|log| {
            view! { <DeliveryTable log with_channel=false caption="Deliveries" /> }.into_any()
        })
    })
}

/// Everything sent, newest first; only failures when asked.
#[component]
fn Sent(changed: RwSignal<u32>) -> impl IntoView {
    let failed_only = RwSignal::new(false);
    let log = Fetch::new(move || {
        changed.track();
        let failed = failed_only.get();
        async move { api::notifications(failed).await }
    });
    ask_again_while_pending(log);
    let retry = Callback::new(move |_| log.refetch());
    view! {
        <section class="panel" aria-labelledby="sent-title">
            <div class="panel__head">
                <h2 id="sent-title">"Sent"</h2>
                <Checkbox name="failed_only" checked=failed_only label="Only failures" />
                <button type="button" class="button button--small button--quiet" on:click=move |_| log.refetch()>"Refresh"</button>
            </div>
            <p class="muted">"Webhooks, chat announcements and emails: the latest 100, with the last error of each failure."</p>
            {loaded(log, "Loading what was sent…", retry, |answer| {
                answer.map(|log| view! { <DeliveryTable log with_channel=true caption="Notifications sent" /> }.into_any())
            })}
        </section>
    }
}

/// Asks a log again every few seconds while it shows a delivery still on its way.
fn ask_again_while_pending(log: Fetch<Vec<Delivery>>) {
    Effect::new(move |_| {
        let pending = log.with(
            |answer| matches!(answer, Some(Ok(log)) if log.iter().any(|d| d.status == "pending")),
        );
        if pending {
            let timer = set_timeout_with_handle(move || log.refetch(), WHILE_PENDING).ok();
            on_cleanup(move || {
                if let Some(timer) = timer {
                    timer.clear();
                }
            });
        }
    });
}

/// Deliveries as a table: when, what, how it went.
#[component]
fn DeliveryTable(log: Vec<Delivery>, with_channel: bool, caption: &'static str) -> impl IntoView {
    if log.is_empty() {
        return view! { <p class="empty" role="status">"Nothing sent yet."</p> }.into_any();
    }
    let now = use_now();
    view! {
        <div class="table-scroll">
            <table class="ballots deliveries">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        {with_channel.then(|| view! { <th scope="col">"Channel"</th><th scope="col">"To"</th> })}
                        <th scope="col">"What"</th>
                        <th scope="col">"Vote"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Attempts"</th>
                        <th scope="col">"Last error"</th>
                    </tr>
                </thead>
                <tbody>
                    {log.into_iter().map(|delivery| {
                        let at = delivery.created_at;
                        view! {
                            <tr data-status=delivery.status.clone()>
                                <td data-label="When"><time datetime=time::iso(at) title=time::exact(at)>{move || time::ago(at, now.get())}</time></td>
                                {with_channel.then(|| view! {
                                    <td data-label="Channel">{delivery.channel.clone()}</td>
                                    <td data-label="To" class="deliveries__target">{delivery.target.clone()}</td>
                                })}
                                <td data-label="What"><code>{delivery.topic.clone()}</code></td>
                                <td data-label="Vote">{delivery.vote_id.clone().map(|id| view! { <a href=routes::vote(&id)>"Open"</a> })}</td>
                                <td data-label="Status"><span class=format!("status status--{}", delivery.status)>{status_word(&delivery)}</span></td>
                                <td data-label="Attempts">{delivery.attempts}</td>
                                <td data-label="Last error" class="deliveries__error">{delivery.last_error.clone().unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// "delivered", "failed", or "pending, retry in 3 min".
fn status_word(delivery: &Delivery) -> String {
    match (delivery.status.as_str(), delivery.next_attempt_at) {
        ("pending", Some(at)) if delivery.attempts > 0 => {
            format!("retrying {}", time::until(at, use_now().get_untracked()))
        }
        (status, _) => status.to_owned(),
    }
}
