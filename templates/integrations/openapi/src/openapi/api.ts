/**
 * The API this server calls: its title, base URL, security schemes and the index of its operations,
 * read from ./data/api.json (generated from the OpenAPI document; regenerate rather than edit).
 * The data files sit next to this module in src/, and next to the bundle in dist/ (the build
 * copies them), so the same URL finds them in both.
 */
import { readFileSync } from 'node:fs';
import type { Api } from './types.js';

/** A generated data file of this server. */
export const dataFile = (name: string): URL => new URL(`./data/${name}`, import.meta.url);

export const API: Api = JSON.parse(readFileSync(dataFile('api.json'), 'utf8'));
