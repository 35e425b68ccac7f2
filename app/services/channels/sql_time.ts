export { sqlTime } from '#plugins/sdk/sql_time'
