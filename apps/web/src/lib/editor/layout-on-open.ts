/** Query parameter the template gallery adds to a new flow's address: lay it out once its steps are measured. */
export const LAYOUT_ON_OPEN = 'layout';
