/** Fills the {name} placeholders of a catalog message (see src/i18n/fill.ts). */
export { fillMessage as fill } from '../../i18n/fill.ts';
