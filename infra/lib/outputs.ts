/**
 * The stack outputs `npm run publish` turns into config.json and uses to upload.
 * One list, read by the stack (to define them) and by publish (to find them).
 */
export const outputNames = {
  auth0Domain: 'Auth0Domain',
  auth0ClientId: 'Auth0ClientId',
  apiInvokeUrl: 'ApiInvokeUrl',
  /** The public reads through the site's distribution: the site's URL and the stage. */
  apiPublicUrl: 'ApiPublicUrl',
  region: 'Region',
  /** Where the browser posts photos: the photos bucket's own host (the presigned POST's url). */
  photoUploadUrl: 'PhotoUploadUrl',
  adminRoleArn: 'AdminRoleArn',
  buyerRoleArn: 'BuyerRoleArn',
  siteBucket: 'SiteBucketName',
  distributionId: 'DistributionId',
  siteUrl: 'SiteUrl',
} as const;

export type OutputKey = keyof typeof outputNames;
