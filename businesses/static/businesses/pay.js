// Pays a promotion's budget with Stripe.js's card form; only Stripe's webhook then marks it paid.
import { api } from "../js/api.js";
import { gettext } from "../js/i18n.js";

const form = document.querySelector("[data-pay-form]");
if (form && window.Stripe) setUp(form);

function setUp(form) {
  // Stripe's card form and its messages in the page's language (Stripe would guess from the browser's).
  const stripe = window.Stripe(form.dataset.publishableKey, { locale: document.documentElement.lang || "auto" });
  const card = stripe.elements().create("card");
  card.mount(form.querySelector("[data-card]"));
  const message = form.querySelector("[data-pay-message]");
  const button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    message.hidden = true;
    try {
      const started = await post(form.dataset.payUrl, {});
      if (form.dataset.local === "1") {
        await payWithLocalstripe(stripe, card, form);
      } else {
        await payWithStripe(stripe, card, started.client_secret);
      }
      window.location.assign(form.dataset.doneUrl);
    } catch (problem) {
      message.textContent = problem.message;
      message.hidden = false;
      button.disabled = false;
    }
  });
}

// The site's answer, or an error whose message is the sentence to show (a declined card says why).
async function post(url, body) {
  try {
    return (await api(url, { method: "POST", body })) || {};
  } catch (problem) {
    throw new Error(problem.code === "network" || !problem.detail ? gettext("The payment did not go through; please try again.") : problem.detail);
  }
}

// Stripe.js confirms the PaymentIntent with the card in the page.
async function payWithStripe(stripe, card, clientSecret) {
  const result = await stripe.confirmCardPayment(clientSecret, { payment_method: { card } });
  if (result.error) throw new Error(result.error.message || gettext("The card was declined."));
}

// localstripe's mock Stripe.js cannot confirm a PaymentIntent with a card: it tokenises the card,
// and the site attaches that card to the PaymentIntent and confirms it.
async function payWithLocalstripe(stripe, card, form) {
  const result = await stripe.createToken(card);
  if (result.error) throw new Error(result.error.message || gettext("The card was declined."));
  await post(form.dataset.localCardUrl, { payment_method: result.token.card.id });
}
