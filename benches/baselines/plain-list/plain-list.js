// The rendering benchmark's baseline: the ongoing list of the dashboard's `/`, written in
// plain JavaScript. It fetches the same API, builds the same markup row for row, applies
// ballot events from the same stream by rebuilding the changed row (as the dashboard's
// keyed list does), and clears the list when a search matches nothing.
"use strict";

const PAGE = 50;
const DECKS = { agileventures: "AgileVentures (1–3)", fibonacci: "Fibonacci", tshirt: "T-shirt sizes", custom: "Custom deck" };
const BADGES = { open: ["●", "Voting"], revealed: ["◐", "Revealed"], closed: ["■", "Closed"] };
let votes = [];

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const child of children) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function ago(iso) {
  const minutes = Math.floor((Date.now() - Date.parse(iso)) / 60000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return `${Math.floor(minutes / 1440)} d ago`;
}

function row(vote) {
  const [icon, label] = BADGES[vote.state];
  const cast = vote.voters.length;
  const shown = vote.voters.slice(0, 8);
  const title = vote.url
    ? h("a", { class: "vote-row__ticket", href: vote.url, target: "_blank", rel: "noopener noreferrer" },
        vote.name, h("span", { class: "external", "aria-label": "(opens the ticket)" }, " ↗"))
    : h("span", {}, vote.name);
  const link = `/votes/${encodeURIComponent(vote.id)}`;
  return h("li", { class: "vote-row", "data-state": vote.state, "data-vote-id": vote.id },
    h("div", { class: "vote-row__head" },
      h("h2", { class: "vote-row__title" }, title),
      h("span", { class: "badge", "data-state": vote.state }, h("span", { "aria-hidden": "true" }, icon), " ", label)),
    h("p", { class: "vote-row__meta" },
      vote.project && h("span", { class: "chip" }, vote.project),
      h("span", {}, DECKS[vote.deck]),
      vote.round > 1 && h("span", {}, `Round ${vote.round}`),
      h("span", {}, "Started ", h("time", { datetime: vote.created_at, title: vote.created_at }, ago(vote.created_at)))),
    h("div", { class: "vote-row__tally" },
      h("div", { class: "tally" }, h("span", { class: "tally__count" }, cast === 0 ? "No votes yet" : cast === 1 ? "1 vote" : `${cast} votes`)),
      h("ul", { class: "voters", "aria-label": "Who has voted" },
        ...shown.map((v) => h("li", { class: "voter", title: v.id }, v.name)),
        vote.voters.length > 8 && h("li", { class: "voter voter--more" }, `+${vote.voters.length - 8} more`))),
    h("div", { class: "vote-row__actions" },
      h("span", { class: "copy-link" },
        h("button", { type: "button", class: "button button--quiet button--small", "aria-label": `Copy the link to ${vote.name}` }, "Copy link"),
        h("span", { role: "status", class: "copy-link__status" })),
      h("a", { class: "vote-row__open", href: link, "aria-label": `Open vote: ${vote.name}` }, "Open vote →")));
}

function render(list, more) {
  const main = document.getElementById("main");
  main.replaceChildren(
    h("div", { class: "page-head" }, h("h1", {}, "Ongoing votes"),
      h("p", { class: "lede" }, "Sealed estimates in progress. Values stay hidden until a vote is revealed.")),
    filters());
  if (list.length === 0) {
    main.append(h("p", { class: "empty", role: "status" }, "No votes match these filters."));
    return;
  }
  main.append(
    h("p", { class: "list-count" }, more ? `${list.length} votes shown` : `${list.length} votes`),
    h("ul", { class: "vote-list" }, ...list.map(row)));
}

function filters() {
  const input = h("input", { type: "search", name: "q", placeholder: "e.g. login" });
  input.addEventListener("input", () => showOngoing(input.value));
  return h("form", { class: "filters", role: "search" },
    h("label", { class: "field" }, h("span", { class: "field__label" }, "Search by name"), input));
}

/** Loads and draws the first page of ongoing votes whose name contains `q`. */
async function showOngoing(q) {
  const query = new URLSearchParams({ state: "ongoing", limit: PAGE });
  if (q) query.set("q", q);
  const page = await (await fetch(`/api/votes?${query}`, { headers: { accept: "application/json" } })).json();
  votes = page.items;
  render(votes, page.next_cursor != null);
}

/** Leaves the list, as the dashboard does when it navigates to another page. */
function showNothing() {
  document.getElementById("main").replaceChildren(h("h1", {}, "History"));
}

function applyBallot(event) {
  const vote = votes.find((v) => v.id === event.vote_id);
  if (!vote || !event.voter) return;
  const at = vote.voters.findIndex((v) => v.id === event.voter.id);
  if (event.kind === "ballot_cast" && at < 0) vote.voters.push(event.voter);
  if (event.kind === "ballot_withdrawn" && at >= 0) vote.voters.splice(at, 1);
  vote.ballots_cast = vote.voters.length;
  const old = document.querySelector(`li[data-vote-id="${CSS.escape(vote.id)}"]`);
  if (old) old.replaceWith(row(vote));
  document.getElementById("announcer").textContent = `${vote.name}: ${vote.ballots_cast} voted`;
}

const stream = new EventSource("/api/events");
for (const kind of ["ballot_cast", "ballot_withdrawn"]) {
  stream.addEventListener(kind, (e) => applyBallot(JSON.parse(e.data)));
}
stream.addEventListener("ready", () => document.documentElement.setAttribute("data-live", "online"));
Object.assign(window, { showOngoing, showNothing });
