// The tasks service's own process (the distributed mode): see README.md, "Distributed mode".
import { carePlansModule } from '@carenet/care-plans';
import { runServiceProcess } from '@carenet/runtime';
import { sharedInfoModule } from '@carenet/shared-info';
import { tasksModule } from '@carenet/tasks';

await runServiceProcess(tasksModule, [carePlansModule, sharedInfoModule]);
