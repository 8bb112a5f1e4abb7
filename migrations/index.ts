import type { Migration } from 'kysely';
import * as core from './2026_11_26_120000_core.ts';
import * as mailViews from './2026_11_26_130000_mail_views.ts';
import * as exactlyOnce from './2026_11_27_090000_exactly_once.ts';
import * as mailProduction from './2026_11_27_120000_mail_production.ts';
import * as oneTimeLinks from './2026_11_27_170000_one_time_links.ts';
import * as linkFlows from './2026_11_28_090000_link_flows.ts';
import * as salesDone from './2026_11_28_100000_sales_done.ts';

/** Every migration, by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  '2026_11_26_120000_core': core,
  '2026_11_26_130000_mail_views': mailViews,
  '2026_11_27_090000_exactly_once': exactlyOnce,
  '2026_11_27_120000_mail_production': mailProduction,
  '2026_11_27_170000_one_time_links': oneTimeLinks,
  '2026_11_28_090000_link_flows': linkFlows,
  '2026_11_28_100000_sales_done': salesDone,
};
