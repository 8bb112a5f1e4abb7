// The strength estimator for the owner's page: the same zxcvbn-ts and dictionaries the server uses.
// Loaded after the page, only on the set-your-own-password page.
import { zxcvbn, zxcvbnOptions } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

zxcvbnOptions.setOptions({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});

/** zxcvbn's score, 0–4. */
export const score = (password, userInputs) => zxcvbn(password, userInputs).score;
