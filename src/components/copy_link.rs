use asyncvoter_wire::markup::{COPY_ATTRIBUTE, escape};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// What copying did.
#[derive(Debug, Clone, PartialEq)]
enum Copied {
    Idle,
    Done,
    /// Neither the clipboard nor the fallback worked: show the link to copy by hand.
    ByHand(String),
}

/// A button that copies the absolute link of a dashboard path, for sharing a vote.
#[component]
pub fn CopyLink(
    /// The path to share, e.g. `/votes/abc`.
    #[prop(into)]
    path: String,
    /// What follows "Copy link" for assistive technology only, e.g. "to Checkout".
    #[prop(into)]
    about: String,
) -> impl IntoView {
    view! { <CopyText text=absolute(&path) about button="Copy link" done="Link copied" /> }
}

/// A secret the server shows this once (a webhook's signing secret, a token), with a
/// copy button and a warning that it is not shown again.
#[component]
pub fn SecretOnce(
    /// What was made, e.g. "Added https://ci.example.com/hook."
    #[prop(into)]
    title: String,
    /// The secret.
    #[prop(into)]
    secret: String,
    /// What the secret is, e.g. "signing secret".
    what: &'static str,
) -> impl IntoView {
    view! {
        <div class="secret" role="status">
            <p>
                <strong>{title}</strong>
                {format!(" Copy its {what} now: it is not shown again.")}
            </p>
            <p class="secret__value"><code>{secret.clone()}</code></p>
            <CopyText text=secret about=format!("(the {what})") button="Copy" done="Copied" />
        </div>
    }
}

/// A button that copies `text` to the clipboard, saying so; where the browser refuses,
/// the text is shown selected, to copy by hand.
#[component]
pub fn CopyText(
    /// What to copy.
    #[prop(into)]
    text: String,
    /// What follows the button's text for assistive technology only, so the name a
    /// screen reader says starts with the words on the button (WCAG 2.5.3).
    #[prop(into)]
    about: String,
    /// The button's text.
    button: &'static str,
    /// What shows once copied.
    done: &'static str,
) -> impl IntoView {
    let state = RwSignal::new(Copied::Idle);
    let text = StoredValue::new(text);
    let copy = move |_| {
        let text = text.get_value();
        spawn_local(async move {
            let copied = copy(&text).await;
            state.set(if copied {
                Copied::Done
            } else {
                Copied::ByHand(text)
            });
            if copied {
                set_timeout(
                    move || state.set(Copied::Idle),
                    std::time::Duration::from_secs(3),
                );
            }
        });
    };
    view! {
        <span class="copy-link">
            <button type="button" class="button button--quiet button--small" on:click=copy>
                {button}" "<span class="visually-hidden">{about}</span>
            </button>
            <span role="status" class="copy-link__status">
                {move || match state.get() {
                    Copied::Idle => ().into_any(),
                    Copied::Done => view! { <span>{done}</span> }.into_any(),
                    Copied::ByHand(text) => view! {
                        <label>
                            "Copy this: "
                            <input class="copy-link__url" readonly value=text on:focus=|e| select_target(&e) />
                        </label>
                    }
                    .into_any(),
                }}
            </span>
        </span>
    }
}

/// Answers a click on a copy button drawn as markup
/// ([`asyncvoter_wire::markup::copy_link`]), as a list's rows have: one handler on the
/// list serves all of them. Copies the button's link and says so beside it, as
/// [`CopyText`] does.
pub fn copy_clicked(event: &web_sys::MouseEvent) {
    let selector = format!("[{COPY_ATTRIBUTE}]");
    let Some(button) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|clicked| clicked.closest(&selector).ok().flatten())
    else {
        return;
    };
    let (Some(path), Some(status)) = (
        button.get_attribute(COPY_ATTRIBUTE),
        button.next_element_sibling(),
    ) else {
        return;
    };
    let link = absolute(&path);
    spawn_local(async move {
        if copy(&link).await {
            status.set_inner_html("<span>Link copied</span>");
            set_timeout(
                move || status.set_inner_html(""),
                std::time::Duration::from_secs(3),
            );
        } else {
            status.set_inner_html(&format!(
                "<label>Copy this: <input class=\"copy-link__url\" readonly value=\"{}\"></label>",
                escape(&link)
            ));
            if let Ok(Some(field)) = status.query_selector("input") {
                let field: web_sys::HtmlInputElement = field.unchecked_into();
                let _ = field.focus();
                field.select();
            }
        }
    });
}

/// Copies `text` to the clipboard; whether it worked.
async fn copy(text: &str) -> bool {
    write_clipboard(text).await || copy_with_selection(text)
}

/// `path` on this site's origin.
fn absolute(path: &str) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!("{origin}{path}")
}

/// The asynchronous clipboard API, where the browser allows it (secure contexts).
async fn write_clipboard(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    // Absent on plain-http origins; `clipboard()` then returns undefined.
    if clipboard.is_undefined() {
        return false;
    }
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

/// The old way: select the text in a hidden field and ask the document to copy.
fn copy_with_selection(text: &str) -> bool {
    let document = document();
    let Ok(field) = document.create_element("textarea") else {
        return false;
    };
    let field: web_sys::HtmlTextAreaElement = field.unchecked_into();
    field.set_value(text);
    let _ = field.set_attribute("readonly", "");
    let _ = field.set_attribute("class", "visually-hidden");
    let Some(body) = document.body() else {
        return false;
    };
    let _ = body.append_child(&field);
    field.select();
    let copied = document
        .unchecked_ref::<web_sys::HtmlDocument>()
        .exec_command("copy")
        .unwrap_or(false);
    field.remove();
    copied
}

fn select_target(event: &web_sys::FocusEvent) {
    if let Some(input) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}
