//! Where webhooks and chat announcements may go: by default only to public addresses, so
//! that an admin's webhook cannot make the server post into its own network (its loopback,
//! private ranges, a cloud's metadata address at 169.254.169.254) or tell open ports from
//! closed ones through the delivery log. `--allow-private-webhooks` lifts this for a server
//! whose receivers live beside it.
//!
//! A URL is checked when it is saved (a literal address or a `localhost` name) and again
//! when it is sent to; a name is checked on every connection, after it resolves, so a name
//! that resolved to a public address once and to a private one later (DNS rebinding) is
//! refused too. Redirects are not followed: a 3xx answer is a failed delivery.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::{ATTEMPT_TIMEOUT, Failure, Worker};
use crate::domain::DomainError;

/// A client for webhooks and chats: public addresses only unless `allow_private`, no
/// redirects, each attempt within [`ATTEMPT_TIMEOUT`].
pub fn client(allow_private: bool) -> reqwest::Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .timeout(ATTEMPT_TIMEOUT)
        .user_agent("AsyncVoter")
        .redirect(reqwest::redirect::Policy::none());
    if allow_private {
        builder.build()
    } else {
        builder.dns_resolver(Arc::new(PublicOnly)).build()
    }
}

/// Refuses `url` when its host is an address, or a `localhost` name, that only reaches
/// this machine or its network (names are checked again when they resolve).
pub fn check(url: &str, allow_private: bool) -> Result<(), DomainError> {
    if allow_private {
        return Ok(());
    }
    let url = Url::parse(url).map_err(|e| DomainError::Invalid(format!("a bad link: {e}")))?;
    let Some(host) = url.host() else {
        return Ok(());
    };
    let private = match &host {
        Host::Ipv4(ip) => !is_public((*ip).into()),
        Host::Ipv6(ip) => !is_public((*ip).into()),
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    if private {
        return Err(DomainError::Invalid(format!(
            "{host} is on a private network: this server sends webhooks only to public addresses \
             (start it with --allow-private-webhooks to send inside your network)"
        )));
    }
    Ok(())
}

/// Whether `ip` is reachable on the public internet: not loopback, private, link-local,
/// shared (carrier NAT), unspecified, broadcast, multicast, documentation or unique local.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(v4.into()),
            None => {
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || v6.is_unique_local()
                    || v6.is_unicast_link_local())
            }
        },
    }
}

/// Posts `request` (built on a POST to `url`) with the worker's client, after checking
/// `url` may be sent to; `what` names the receiver in failures ("the endpoint", "the chat").
pub async fn post(
    worker: &Worker,
    url: &str,
    what: &str,
    request: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> Result<(), Failure> {
    check(url, worker.settings.allow_private_webhooks)
        .map_err(|refused| Failure::Permanent(refused.to_string()))?;
    let response = request(worker.http.post(url))
        .send()
        .await
        .map_err(|e| Failure::Transient(format!("could not reach {what}: {}", innermost(&e))))?;
    match response.status() {
        status if status.is_success() => Ok(()),
        status => Err(Failure::Transient(format!("{what} answered {status}"))),
    }
}

/// What went wrong at the bottom of `error`: reqwest's own message names only the URL.
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// Resolves names as the system does and keeps only public addresses.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = all.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!(
                    "{host} resolves only to private addresses, where this server sends no webhooks"
                )
                .into());
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.215.14", "1.1.1.1", "100.128.0.1", "2606:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn literal_private_hosts_and_localhost_names_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:9000/hook",
            "http://127.1/hook",
            "http://[::1]/hook",
            "http://0x7f000001/hook",
            "https://LOCALHOST./hook",
            "https://api.localhost/hook",
            "http://169.254.169.254/latest/meta-data",
        ] {
            assert!(check(url, false).is_err(), "{url}");
            assert!(check(url, true).is_ok(), "{url}");
        }
        assert!(check("https://hooks.example.com/x", false).is_ok());
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_this_machine_is_never_connected_to() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = tokio::spawn(async move { listener.accept().await.is_ok() });
        let refused = client(false)
            .unwrap()
            .post(format!("http://localhost:{port}/hook"))
            .send()
            .await
            .unwrap_err();
        assert!(
            innermost(&refused).contains("resolves only to private addresses"),
            "{refused:?}"
        );
        let reached = client(true)
            .unwrap()
            .post(format!("http://localhost:{port}/hook"))
            .timeout(std::time::Duration::from_millis(300))
            .send()
            .await;
        assert!(reached.is_err(), "the listener never answers");
        assert!(accepted.await.unwrap(), "allowed, the same name connects");
    }
}
