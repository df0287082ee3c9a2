import { PageQuery } from './page.query.js';

/** The hygiene report is paged like the user list. */
export class HygieneQuery extends PageQuery {}
