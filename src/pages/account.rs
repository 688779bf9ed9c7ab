use asyncvoter_wire::PasswordChange;
use leptos::prelude::*;

use crate::api;
use crate::components::LoginPrompt;
use crate::session::use_session;
use crate::task::Task;

/// `/account`: the member's own details and password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    view! {
        <section class="narrow">
            <div class="page-head"><h1>"Your account"</h1></div>
            {move || match session.member() {
                Some(member) => view! {
                    <dl class="facts">
                        <div><dt>"Name"</dt><dd>{member.display_name}</dd></div>
                        <div><dt>"Username"</dt><dd>{member.username}</dd></div>
                        <div><dt>"Role"</dt><dd>{member.role.as_str()}</dd></div>
                    </dl>
                    <ChangePassword />
                }
                .into_any(),
                None => view! { <LoginPrompt purpose="to see your account." /> }.into_any(),
            }}
        </section>
    }
}

/// Changing one's own password.
#[component]
fn ChangePassword() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let save = Task::<()>::new();
    view! {
        <form
            class="form panel"
            on:submit=move |ev| {
                ev.prevent_default();
                mismatch.set(new.get() != repeat.get());
                if !mismatch.get_untracked() {
                    let change = PasswordChange { current_password: current.get(), new_password: new.get() };
                    save.run(async move { api::change_password(&change).await }, move |()| {
                        for field in [current, new, repeat] {
                            field.set(String::new());
                        }
                    });
                }
            }
        >
            <h2>"Change your password"</h2>
            <label class="field">
                <span class="field__label">"Current password"</span>
                <input type="password" name="current_password" autocomplete="current-password" required bind:value=current />
            </label>
            <label class="field">
                <span class="field__label">"New password (8 characters or more)"</span>
                <input type="password" name="new_password" autocomplete="new-password" minlength="8" required bind:value=new />
            </label>
            <label class="field">
                <span class="field__label">"New password again"</span>
                <input type="password" name="repeat_password" autocomplete="new-password" required bind:value=repeat />
            </label>
            {move || mismatch.get().then(|| view! { <p class="form-error" role="alert">"The new passwords differ."</p> })}
            {move || save.value().map(|()| view! { <p class="confirmation" role="status">"Your password is changed."</p> })}
            {move || save.error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="submit" class="button" disabled=move || save.pending()>"Change password"</button>
        </form>
    }
}
