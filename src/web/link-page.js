// The owner's link pages: copy buttons, and the live check of a chosen password with the server's own
// rules. Everything works without this script; the server checks again either way.
import { cheapProblems, MIN_PASSWORD_SCORE, strengthInputs, weakScoreProblem } from '../service/password-rules.ts';

for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const text = document.getElementById(button.dataset.copy)?.textContent ?? '';
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Copy failed: select the text';
    }
  });
}

const form = document.querySelector('form[data-name]');
if (form) {
  const password = form.querySelector('#password');
  const confirm = form.querySelector('#confirm');
  const status = document.getElementById('check');
  const show = document.getElementById('show-field');
  const context = { name: form.dataset.name, domain: form.dataset.domain };
  let estimate;
  import('./strength.js')
    .then((module) => {
      estimate = module.score;
      update();
    })
    .catch(() => undefined);

  const problems = () => {
    const value = password.value;
    const found = cheapProblems(value, context);
    if (found.length === 0 && estimate) {
      const score = estimate(value, strengthInputs(context));
      if (score < MIN_PASSWORD_SCORE) found.push(weakScoreProblem(score));
    }
    if (confirm.value !== '' && confirm.value !== value) found.push('the two passwords differ');
    return found;
  };

  const update = () => {
    if (password.value === '') {
      status.textContent = '';
      return;
    }
    const found = problems();
    status.className = found.length ? 'check bad' : 'check good';
    status.textContent = found.length
      ? `Not accepted yet: ${found.join('; ')}.`
      : estimate
        ? 'Strong enough.'
        : 'Checking…';
  };

  let timer;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  };
  password.addEventListener('input', later);
  confirm.addEventListener('input', later);

  if (show) {
    show.hidden = false;
    show.querySelector('input').addEventListener('change', (event) => {
      const type = event.target.checked ? 'text' : 'password';
      password.type = type;
      confirm.type = type;
    });
  }

  form.addEventListener('submit', (event) => {
    const found = problems();
    if (confirm.value !== password.value && !found.includes('the two passwords differ'))
      found.push('the two passwords differ');
    if (found.length === 0) return;
    event.preventDefault();
    status.className = 'check bad';
    status.setAttribute('role', 'alert');
    status.textContent = `Not accepted: ${found.join('; ')}.`;
    password.focus();
  });
}
